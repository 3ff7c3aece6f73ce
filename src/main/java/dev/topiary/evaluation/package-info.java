/** Measuring what pruning and training cost: perplexity and related metrics on text sets. */
package dev.topiary.evaluation;
