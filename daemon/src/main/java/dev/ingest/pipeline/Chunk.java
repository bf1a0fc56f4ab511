package dev.ingest.pipeline;

/** A piece of a document's text: its sequence number, offsets into the text, and page (PDFs) or null. */
public record Chunk(int seq, int start, int end, Integer page, String text) {}
