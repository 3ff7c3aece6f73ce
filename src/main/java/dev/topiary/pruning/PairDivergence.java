package dev.topiary.pruning;

/**
 * The difference between the next-token distributions after the two prompts of a pair.
 *
 * @param pair the pair's id
 * @param attribute the pair's attribute, or null
 * @param symmetricKl the mean of KL(p_a || p_b) and KL(p_b || p_a), in nats
 * @param topTokenA the most likely next token after prompt a
 * @param topTokenB the most likely next token after prompt b
 */
public record PairDivergence(String pair, String attribute, double symmetricKl, String topTokenA, String topTokenB) {

    /** Returns whether the most likely next token differs between the two prompts. */
    public boolean topTokenChanged() {
        return !topTokenA.equals(topTokenB);
    }
}
