package dev.topiary.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Device requests against the process-wide engine, which keeps the device it started on. */
class DeviceRequestTest {

    @Test
    void requestForRunningDeviceReturnsEngine() {
        TensorEngine engine = TensorEngine.get();
        String running = engine.device().isGpu() ? "gpu" : "cpu";

        assertSame(engine, TensorEngine.get(running, "--device"));
        assertSame(engine, TensorEngine.get("auto", "--device"));
    }

    @Test
    void requestForOtherDeviceIsRejected() {
        TensorEngine engine = TensorEngine.get();
        String other = engine.device().isGpu() ? "cpu" : "gpu";

        EngineException error = assertThrows(EngineException.class, () -> TensorEngine.get(other, "--device"));

        assertTrue(error.getMessage().startsWith("--device requests device " + other), error.getMessage());
        assertTrue(error.getMessage().contains("new process"), error.getMessage());
    }

    @Test
    void invalidDeviceListsValidValues() {
        EngineException error = assertThrows(EngineException.class, () -> TensorEngine.normalise("tpu", "--device"));

        assertEquals("Invalid device 'tpu' in --device: use auto, cpu or gpu.", error.getMessage());
        assertEquals("gpu", TensorEngine.normalise(" CUDA ", "--device"));
    }

    @Test
    void dtypeRequestFallsBackToAuto() {
        assertEquals(ComputeDtype.FLOAT16, ComputeDtype.firstOf(null, ComputeDtype.FLOAT16, ComputeDtype.FLOAT32));
        assertEquals(System.getProperty(ComputeDtype.PROPERTY) == null ? ComputeDtype.AUTO
                : ComputeDtype.fromSystemProperty(), ComputeDtype.firstOf(null, null));
    }
}
