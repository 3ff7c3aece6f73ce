package dev.topiary.evaluation;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peak Java heap and peak process memory over one measured piece of work. PyTorch allocates tensors outside the
 * Java heap, so native memory is estimated from the process's resident set ({@code VmRSS} and its peak
 * {@code VmHWM} in /proc/self/status) in two ways. The peak native figure is the resident peak minus the heap's
 * peak use, an upper bound because it also counts the JVM's own native memory and heap pages that were touched
 * once and are free again. The added native figure is the growth of the resident set during the work minus the
 * growth of the heap: what the work itself allocated outside the heap, such as a KV cache or activations.
 *
 * <p>{@link #start} resets both peaks: the heap pools' peak usage, and the resident-set peak by writing 5 to
 * /proc/self/clear_refs (Linux 4.0 and later). Where that reset fails, the resident peak covers the whole process
 * life so far, and {@link #toMap} marks it. Off Linux the resident figures are absent.
 */
public final class MemoryPeak {

    private static final Logger log = LoggerFactory.getLogger(MemoryPeak.class);
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final double MIB = 1024.0 * 1024.0;

    private final List<MemoryPoolMXBean> heapPools;
    private final boolean residentPeakReset;
    private final long residentAtStart;
    private final long heapAtStart;

    private MemoryPeak(List<MemoryPoolMXBean> heapPools, boolean residentPeakReset) {
        this.heapPools = heapPools;
        this.residentPeakReset = residentPeakReset;
        this.residentAtStart = statusKilobytes("VmRSS:") * 1024;
        this.heapAtStart = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resets the heap and resident-set peaks and starts a measurement. */
    public static MemoryPeak start() {
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        boolean reset = false;
        if (Files.isWritable(CLEAR_REFS)) {
            try {
                Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
                reset = true;
            } catch (IOException e) {
                log.warn("Failed to reset the resident-set peak through {}: {}", CLEAR_REFS, e.toString());
            }
        }
        return new MemoryPeak(pools, reset);
    }

    /**
     * Returns the figures since {@link #start} in MiB, under {@code prefix}: {@code _peak_heap_mb},
     * {@code _peak_rss_mb}, {@code _peak_native_mb} and {@code _added_native_mb}, plus
     * {@code _rss_peak_since_start: true} when the resident peak could not be reset.
     */
    public Map<String, Object> toMap(String prefix) {
        long peakHeap = heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put(prefix + "_peak_heap_mb", peakHeap / MIB);
        long peakResident = statusKilobytes("VmHWM:") * 1024;
        if (peakResident > 0) {
            long heapGrowth = Math.max(0, peakHeap - heapAtStart);
            figures.put(prefix + "_peak_rss_mb", peakResident / MIB);
            figures.put(prefix + "_peak_native_mb", Math.max(0, peakResident - peakHeap) / MIB);
            figures.put(prefix + "_added_native_mb", Math.max(0, peakResident - residentAtStart - heapGrowth) / MIB);
            if (!residentPeakReset) {
                figures.put(prefix + "_rss_peak_since_start", true);
            }
        }
        return figures;
    }

    /** Returns a kilobyte field of /proc/self/status, or 0 where it cannot be read. */
    private static long statusKilobytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("Failed to read {} from {}: {}", field, STATUS, e.toString());
        }
        return 0;
    }
}
