import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word recall of a candidate text against a reference text: the share of the reference's words (as a
 * multiset: lower-cased runs of letters and digits, Unicode-normalised, hyphenated line breaks joined)
 * that the candidate also has. Usage: java WordRecall.java REFERENCE.txt CANDIDATE.txt
 */
public class WordRecall {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  public static void main(String[] args) throws Exception {
    Map<String, Integer> reference = words(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
    Map<String, Integer> candidate = words(Files.readString(Path.of(args[1]), StandardCharsets.UTF_8));
    long total = 0;
    long found = 0;
    for (Map.Entry<String, Integer> e : reference.entrySet()) {
      total += e.getValue();
      found += Math.min(e.getValue(), candidate.getOrDefault(e.getKey(), 0));
    }
    System.out.printf(Locale.ROOT, "%d %d %.4f%n", total, found, total == 0 ? 1.0 : (double) found / total);
  }

  static Map<String, Integer> words(String text) {
    String t = Normalizer.normalize(text, Normalizer.Form.NFKC).replaceAll("(\\p{L})-\\s*\\n\\s*(\\p{L})", "$1$2");
    Map<String, Integer> out = new HashMap<>();
    Matcher m = WORD.matcher(t.toLowerCase(Locale.ROOT));
    while (m.find()) {
      out.merge(m.group(), 1, Integer::sum);
    }
    return out;
  }
}
