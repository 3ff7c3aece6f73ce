package dev.topiary.ui;

import dev.topiary.model.LanguageModel;

/**
 * A model on the device and its summary. The window holds the model only as a handle to pass back to
 * {@link InferenceService}; its weights stay on the engine thread.
 */
public record LoadedModel(LanguageModel model, ModelSummary summary) {}
