/**
 * The tensor engine: DJL with its PyTorch backend, started in offline mode on one dedicated thread.
 *
 * <p>Every NDArray in Topiary is created and used on {@link dev.topiary.engine.TensorEngine}'s thread. DJL
 * enables gradient tracking on threads other than the one that initialised the engine. Native memory is
 * also easier to reason about when one thread owns it. So the UI and the CLI submit work here instead of
 * touching arrays themselves.
 */
package dev.topiary.engine;
