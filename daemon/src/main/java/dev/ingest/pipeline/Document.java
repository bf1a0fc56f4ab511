package dev.ingest.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the steps of one job learn and produce, passed from step to step. */
public final class Document {
  private String mimeType;
  private String text;
  private String title;
  private Integer pages;
  private List<Integer> pageStarts = List.of();
  private List<Integer> recordStarts = List.of();
  private List<float[]> embeddings = List.of();
  private List<Chunk> chunks = new ArrayList<>();
  private final Map<String, Object> result = new LinkedHashMap<>();

  public String mimeType() {
    return mimeType;
  }

  public void mimeType(String mimeType) {
    this.mimeType = mimeType;
  }

  public String text() {
    return text;
  }

  public void text(String text) {
    this.text = text;
  }

  public String title() {
    return title;
  }

  public void title(String title) {
    this.title = title;
  }

  public Integer pages() {
    return pages;
  }

  public void pages(Integer pages) {
    this.pages = pages;
  }

  /** Offsets into {@link #text()} where each page starts (PDFs), empty otherwise. */
  public List<Integer> pageStarts() {
    return pageStarts;
  }

  public void pageStarts(List<Integer> pageStarts) {
    this.pageStarts = List.copyOf(pageStarts);
  }

  /** Offsets into {@link #text()} where each record starts (CSV rows, JSON elements), empty otherwise. */
  public List<Integer> recordStarts() {
    return recordStarts;
  }

  public void recordStarts(List<Integer> recordStarts) {
    this.recordStarts = List.copyOf(recordStarts);
  }

  public List<Chunk> chunks() {
    return chunks;
  }

  public void chunks(List<Chunk> chunks) {
    this.chunks = new ArrayList<>(chunks);
  }

  /** One vector per chunk, in order, when an embed step ran; empty otherwise. */
  public List<float[]> embeddings() {
    return embeddings;
  }

  public void embeddings(List<float[]> embeddings) {
    this.embeddings = List.copyOf(embeddings);
  }

  /** The job's result summary; becomes the job's {@code result} JSON. */
  public Map<String, Object> result() {
    return result;
  }
}
