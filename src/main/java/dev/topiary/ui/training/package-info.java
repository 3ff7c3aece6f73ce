/**
 * The Train tab: the settings of a distillation or LoRA run, its live progress, and TensorBoard-like charts of
 * training loss, held-out loss and perplexity, learning rate and tokens per second, for the runs of this session
 * and for finished runs read from their folders.
 */
package dev.topiary.ui.training;
