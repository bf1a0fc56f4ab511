package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The documentation stays true to the program: every option is documented, every relative link leads somewhere. */
class DocsTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);

  private static List<Path> markdown() throws Exception {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  @Test
  void everyOptionOfEveryCommandIsDocumented() throws Exception {
    String docs = Files.readString(ROOT.resolve("README.md")) + Files.readString(ROOT.resolve("docs/configuration.md"));
    CommandLine root = CommandLineFactory.create(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of());
    List<String> missing = new ArrayList<>();
    collect(root, docs, missing);
    assertTrue(missing.isEmpty(), "options missing from README.md and docs/configuration.md: " + missing);
  }

  private static void collect(CommandLine command, String docs, List<String> missing) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (option.hidden()) {
        continue;
      }
      String name = option.longestName();
      if (!docs.contains("`" + name) && !docs.contains(" " + name + " ") && !docs.contains("[" + name)) {
        missing.add(command.getCommandName() + " " + name);
      }
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, docs, missing));
  }

  @Test
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws Exception {
    List<String> broken = new ArrayList<>();
    for (Path file : markdown()) {
      String text = Files.readString(file);
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path linked = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        if (!Files.exists(linked)) {
          broken.add(file + " -> " + target + " (no such file)");
        } else if (anchor != null && linked.toString().endsWith(".md") && !anchors(linked).contains(anchor)) {
          broken.add(file + " -> " + target + " (no such heading)");
        }
      }
    }
    assertTrue(broken.isEmpty(), "broken links: " + broken);
  }

  /** GitHub's anchors: lower case, punctuation but hyphens dropped, spaces as hyphens. */
  static Set<String> anchors(Path file) throws Exception {
    Set<String> out = new HashSet<>();
    Matcher m = HEADING.matcher(Files.readString(file));
    while (m.find()) {
      out.add(m.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
    }
    return out;
  }

  @Test
  void theReadmeStaysShortAndShowsTheTwoCommands() throws Exception {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    assertTrue(lines.size() <= 300, "README.md has " + lines.size() + " lines; details go to docs/");
    String readme = String.join("\n", lines);
    assertTrue(readme.contains("scripts/ingest upload scripts/samples/welcome.pdf --wait"));
    assertTrue(readme.contains("./mvnw verify"));
  }
}
