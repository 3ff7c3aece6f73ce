package dev.topiary.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Free memory of the device models load on. */
public final class DeviceMemory {

    private DeviceMemory() {}

    /**
     * Returns the memory available for new allocations on the CPU: {@code MemAvailable} of /proc/meminfo on
     * Linux, else the free physical memory the JVM reports. Tensor memory is native, outside the Java heap.
     */
    public static long freeHostBytes() {
        Path meminfo = Path.of("/proc/meminfo");
        try {
            if (Files.isReadable(meminfo)) {
                List<String> lines = Files.readAllLines(meminfo);
                for (String line : lines) {
                    if (line.startsWith("MemAvailable:")) {
                        return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Fall through to the JVM's figure.
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }
}
