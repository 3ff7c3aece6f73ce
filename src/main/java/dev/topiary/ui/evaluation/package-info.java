/**
 * The Evaluate tab: which models, text set and multiple-choice tasks to compare, and the results as a table,
 * bar charts relative to the first model, and greedy generations side by side.
 */
package dev.topiary.ui.evaluation;
