package dev.topiary.library;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds a Hugging Face access token the way huggingface_hub does: HF_TOKEN, then the token file. */
public final class HubToken {

    private HubToken() {}

    /** Returns HF_TOKEN, else the contents of HF_TOKEN_PATH, HF_HOME/token or ~/.cache/huggingface/token. */
    public static Optional<String> find(Map<String, String> environment) {
        String token = environment.get("HF_TOKEN");
        if (token != null && !token.isBlank()) {
            return Optional.of(token.strip());
        }
        Path file;
        if (environment.get("HF_TOKEN_PATH") != null) {
            file = Path.of(environment.get("HF_TOKEN_PATH"));
        } else if (environment.get("HF_HOME") != null) {
            file = Path.of(environment.get("HF_HOME"), "token");
        } else {
            file = Path.of(System.getProperty("user.home"), ".cache", "huggingface", "token");
        }
        try {
            if (Files.isRegularFile(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                return stored.isEmpty() ? Optional.empty() : Optional.of(stored);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
