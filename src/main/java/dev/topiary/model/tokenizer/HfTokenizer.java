package dev.topiary.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.topiary.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} loaded through DJL's bindings of the Rust tokenizers library. Special
 * tokens (such as BOS) come from the file's post-processor, exactly as {@code transformers} adds them.
 */
public final class HfTokenizer implements TextTokenizer {

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
    }

    /** Loads a tokenizer.json file; {@code vocabSize} is the model's vocabulary size. */
    public static HfTokenizer load(Path tokenizerJson, int vocabSize) throws ModelFormatException {
        // A Path (never a String id) keeps DJL from looking the name up on the Hub. DJL truncates to 512
        // tokens by default, which would silently cut long prompts.
        Map<String, String> options = Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true");
        try {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options), vocabSize);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(tokenizerJson, "cannot load the tokenizer (" + e.getMessage()
                    + "). Check that it is a tokenizer.json written by the Hugging Face tokenizers library.", e);
        }
    }

    @Override
    public int[] encode(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        int[] result = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            result[i] = Math.toIntExact(ids[i]);
        }
        return result;
    }

    @Override
    public String decode(int[] ids) {
        return tokenizer.decode(toLongs(ids), true);
    }

    @Override
    public String tokenText(int id) {
        return tokenizer.decode(new long[] {id}, false).replace("\n", "\\n");
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    private static long[] toLongs(int[] ids) {
        long[] result = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            result[i] = ids[i];
        }
        return result;
    }
}
