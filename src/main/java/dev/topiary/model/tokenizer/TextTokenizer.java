package dev.topiary.model.tokenizer;

import java.util.Arrays;

/** Turns text into token ids and back. Implementations are safe to use from any thread. */
public interface TextTokenizer {

    /** Encodes text as the model sees a prompt: with the begin-of-sequence token first when the model has one. */
    int[] encode(String text);

    /** Decodes ids to text, leaving out special tokens. */
    String decode(int[] ids);

    /** Returns a short readable form of one token, for labels and tooltips. */
    String tokenText(int id);

    /** Returns the vocabulary size. */
    int vocabSize();

    /**
     * Decodes the text that {@code generated} adds after {@code prompt}. Tokenizers that strip a leading space
     * from the first token of a decode would lose the space between prompt and continuation if the
     * continuation were decoded alone, so the default decodes both and keeps the difference.
     */
    default String continuation(int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        String full = decode(all);
        String head = decode(prompt);
        return full.startsWith(head) ? full.substring(head.length()) : decode(generated);
    }
}
