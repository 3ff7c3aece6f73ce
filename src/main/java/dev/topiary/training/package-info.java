/**
 * Training that recovers a pruned or adapted model: knowledge distillation from a teacher (the original model) into
 * a student (the pruned one), and LoRA adapters on a frozen base model.
 *
 * <p>{@link dev.topiary.training.TrainingRun} is the entry point: it owns a run folder ({@code run.json},
 * {@code metrics.jsonl}, {@code checkpoints/step-NNNNNN/}, and the exported model or adapter), reports every step to
 * {@link dev.topiary.training.TrainingListener}s, and can be paused, resumed and cancelled between steps. Each step
 * runs on the {@link dev.topiary.engine.TensorEngine} thread as one engine call, so other engine work (generation,
 * evaluation) can run between steps. {@link dev.topiary.training.TrainingData} turns text files into packed token
 * sequences with a held-out split, {@link dev.topiary.training.LoraAdapter} and
 * {@link dev.topiary.training.PeftAdapter} hold and store adapters in PEFT's format.
 *
 * <p>Reproducibility: the order of the training sequences and the dropout masks are functions of the seed and the
 * step number alone, and a checkpoint stores the trainable weights and the optimizer's moments in float32, so a run
 * resumed from a checkpoint computes the same losses as the run that was never interrupted.
 */
package dev.topiary.training;
