package dev.ingest.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.pipeline.Chunk;
import dev.ingest.testing.TestFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {
  private final Chunker chunker = new Chunker(200, 40);

  @Test
  void shortTextIsOneChunk() {
    List<Chunk> chunks = chunker.split("Just a little text.", List.of());
    assertEquals(1, chunks.size());
    assertEquals("Just a little text.", chunks.get(0).text());
    assertEquals(0, chunks.get(0).seq());
  }

  @Test
  void chunksRespectTheSizeAndNeverCutWords() {
    String text = TestFiles.prose(60);
    List<Chunk> chunks = chunker.split(text, List.of());
    assertTrue(chunks.size() > 5);
    for (Chunk c : chunks) {
      assertTrue(c.text().length() <= 200, "too long: " + c.text().length());
      assertEquals(text.substring(c.start(), c.end()), c.text(), "offsets point at the chunk's text");
      assertTrue(c.start() == 0 || Character.isWhitespace(text.charAt(c.start() - 1)), "starts mid-word: " + c.text());
      assertTrue(c.end() == text.length() || !Character.isLetterOrDigit(text.charAt(c.end())), "ends mid-word: " + c.text());
    }
  }

  @Test
  void chunksPreferSentenceEnds() {
    List<Chunk> chunks = chunker.split(TestFiles.prose(60), List.of());
    assertTrue(chunks.size() > 5, "enough chunks to tell: " + chunks.size());
    for (Chunk c : chunks.subList(0, chunks.size() - 1)) {
      assertTrue(c.text().endsWith("."), "chunk does not end a sentence: ..." + c.text().substring(Math.max(0, c.text().length() - 30)));
    }
  }

  @Test
  void consecutiveChunksOverlapAndCoverTheWholeText() {
    String text = TestFiles.prose(60);
    List<Chunk> chunks = chunker.split(text, List.of());
    assertTrue(chunks.size() > 5, "enough chunks to tell: " + chunks.size());
    for (int i = 1; i < chunks.size(); i++) {
      assertTrue(chunks.get(i).start() < chunks.get(i - 1).end(), "no overlap between " + (i - 1) + " and " + i);
      assertTrue(chunks.get(i).start() > chunks.get(i - 1).start(), "no progress at " + i);
      assertEquals(i, chunks.get(i).seq());
    }
    assertEquals(0, chunks.get(0).start());
    assertEquals(text.length(), chunks.get(chunks.size() - 1).end());
  }

  @Test
  void splittingIsDeterministic() {
    String text = TestFiles.prose(80);
    List<Chunk> first = chunker.split(text, List.of());
    assertTrue(first.size() > 5, "enough chunks to tell: " + first.size());
    assertEquals(first, chunker.split(text, List.of()));
  }

  @Test
  void chunksCarryTheirPage() {
    String page1 = TestFiles.prose(10);
    String text = page1 + "\n\n" + TestFiles.prose(10);
    List<Chunk> chunks = chunker.split(text, List.of(0, page1.length() + 2));
    assertTrue(chunks.size() > 1, "chunks on both pages: " + chunks.size());
    assertEquals(1, chunks.get(0).page());
    assertEquals(2, chunks.get(chunks.size() - 1).page());
  }

  @Test
  void aWordLongerThanAChunkIsTheOnlyThingEverCut() {
    String text = "x".repeat(450);
    List<Chunk> chunks = chunker.split(text, List.of());
    assertEquals(3, chunks.size(), "450 characters in pieces of at most 200");
    assertTrue(chunks.stream().allMatch(c -> c.text().length() <= 200));
    assertEquals(text, chunks.get(0).text() + text.substring(chunks.get(0).end()), "the first piece is the text's start");
    assertEquals(text.length(), chunks.get(chunks.size() - 1).end(), "the whole word is covered");
  }

  @Test
  void nonsenseSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Chunker(10, 0));
    assertThrows(IllegalArgumentException.class, () -> new Chunker(100, 60));
  }
}
