package lambert.toolkit.template;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import lambert.base.io.PartialFiles;
import lambert.toolkit.BadInputException;
import lambert.toolkit.packaging.FunctionConfig;
import lambert.toolkit.packaging.FunctionJson;

/**
 * The SAM template of a function package: its settings from the {@code function.json} next to the zip, with the
 * caller's {@link TemplateOptions} over them, and the template file written whole or not at all.
 *
 * <pre>{@code
 * SamTemplate sam = PackageTemplate.of(Path.of("function.zip"), Path.of("template.yaml"), TemplateOptions.defaults());
 * PackageTemplate.write(sam, Path.of("template.yaml"));
 * }</pre>
 */
public final class PackageTemplate {
    private PackageTemplate() {}

    /**
     * The template for {@code zip}, its {@code CodeUri} relative to the folder of {@code templateFile}.
     *
     * @throws NoSuchFileException if the zip is missing
     * @throws BadInputException if {@code function.json} is missing or invalid, or a setting is outside Lambda's
     *     limits (naming the setting)
     */
    public static SamTemplate of(Path zip, Path templateFile, TemplateOptions options) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new NoSuchFileException(zip.toString());
        }
        FunctionJson config = FunctionJson.next(zip);
        if (!config.exists()) {
            throw new BadInputException("the template is made from " + config.file() + ", which is missing: package "
                    + "the model with lambert, which writes it next to the zip");
        }
        Map<String, String> env = FunctionConfig.environmentFor(config.environment(),
                options.snapStart() || options.provisioned() > 0);
        Path folder = templateFile.toAbsolutePath().normalize().getParent();
        String codeUri = folder.relativize(zip.toAbsolutePath().normalize()).toString();
        String model = config.string("model", zip.getFileName().toString());
        int memoryMb = options.memoryMb() != null ? options.memoryMb() : config.integer("memory_mb", 1769);
        int timeoutSeconds = options.timeoutSeconds() != null ? options.timeoutSeconds()
                : config.integer("timeout_s", FunctionConfig.TIMEOUT_SECONDS);
        int storageMb = options.ephemeralStorageMb() != null ? options.ephemeralStorageMb()
                : config.integer("ephemeral_storage_mb", 0);
        return new SamTemplate(SamTemplate.logicalIdFor(options.function()), options.function(),
                "lambert: " + model + " (lambert " + config.string("lambert_version", "?") + ")", codeUri,
                config.runtime(options.runtime()), config.string("handler", FunctionConfig.HANDLER),
                config.string("architecture", "x86_64"), memoryMb, timeoutSeconds, env, storageMb, options.snapStart(),
                options.provisioned(), options.alias(), options.url());
    }

    /** Writes {@code sam}'s YAML to {@code templateFile} through a temp file next to it, replacing it if it exists. */
    public static void write(SamTemplate sam, Path templateFile) throws IOException {
        PartialFiles.write(templateFile, sam.yaml().getBytes(StandardCharsets.UTF_8));
    }

    /** The stack name for {@code sam deploy}: the function's name, else {@code lambert-} and the package's model. */
    public static String stackName(Path zip, String function) throws IOException {
        if (function != null) {
            return function;
        }
        String model = FunctionJson.next(zip).string("model", zip.getFileName().toString());
        return "lambert-" + model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    }
}
