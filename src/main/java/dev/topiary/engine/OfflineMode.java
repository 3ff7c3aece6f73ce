package dev.topiary.engine;

/**
 * Switches DJL to offline mode before any DJL class loads.
 *
 * <p>Without {@code ai.djl.offline=true}, loading DJL's {@code Engine} class makes telemetry connections,
 * and a missing native library triggers a download. Topiary ships its natives as Maven dependencies, so
 * nothing ever needs the network. Every entry point (window, CLI, tests) calls {@link #enable()} first.
 */
public final class OfflineMode {

    private OfflineMode() {}

    /** Sets the DJL offline property unless the user set it explicitly. */
    public static void enable() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", "PyTorch");
        }
    }
}
