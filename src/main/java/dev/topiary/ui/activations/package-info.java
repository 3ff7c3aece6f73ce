/**
 * The Activations tab: MLP neuron activations ({@code blocks.{L}.mlp.hook_post}) of one prompt run, drawn as a
 * heatmap with layers on the vertical axis and neurons on the horizontal one.
 *
 * <p>Values arrive here as plain Java arrays ({@link dev.topiary.ui.activations.MlpActivations}), copied off the
 * engine thread once per run, so nothing in this package touches DJL arrays.
 */
package dev.topiary.ui.activations;
