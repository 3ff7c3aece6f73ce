/**
 * The Prune and Fairness tabs: a pruning plan built from a width target, a neuron score or the shared selection,
 * and removed layers, with live sizes, a before/after preview and export; and the bias report of paired prompts
 * that fairness pruning uses.
 */
package dev.topiary.ui.pruning;
