/**
 * The Analysis tab and its panels: activation statistics of every MLP neuron ({@code blocks.{L}.mlp.hook_post})
 * over a prompt set, drawn as a zoomable, sortable layer x neuron heatmap; the inspector for one neuron (metrics,
 * histogram, top examples, weight norms); the tokens of one prompt coloured by that neuron; the per-layer charts
 * of the residual stream; and the Prompt set section of the left panel.
 *
 * <p>The views and view models here do no engine or file work themselves: they ask for it through
 * {@link dev.topiary.ui.analysis.AnalysisCommands}, which the window implements, and receive plain Java values.
 */
package dev.topiary.ui.analysis;
