"""The store's tables as the current code reads and writes them.

`TABLES` only creates what is missing (`CREATE TABLE IF NOT EXISTS`), so it runs at every
opening: a new table is one more statement here and appears in old stores too. A change to
a table that already exists (a new column, a new meaning) also needs a step in
`analysis.migrations` and a higher `SCHEMA_VERSION`.
"""

from __future__ import annotations

from typing import Final

from analysis.quantity_columns import QUANTITY_DDL

# 1: the first release; 2: document lengths and the keyword tables (terms, doc_index,
# doc_terms); 3: every quantity column present (schema-2 stores made before the metric
# catalogue lack canonical_metric and metric_words).
SCHEMA_VERSION: Final = 3

TABLES: Final = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    sha256 VARCHAR UNIQUE NOT NULL,
    source VARCHAR NOT NULL,
    encoding VARCHAR,
    raw_text VARCHAR NOT NULL,
    clean_text VARCHAR NOT NULL,
    pipeline VARCHAR NOT NULL,
    ingested_at TIMESTAMP DEFAULT current_timestamp,
    chars INTEGER,
    raw_chars INTEGER
);
CREATE TABLE IF NOT EXISTS changes (
    doc_id VARCHAR, seq INTEGER, step VARCHAR, reason VARCHAR,
    start INTEGER, "end" INTEGER, removed VARCHAR
);
CREATE TABLE IF NOT EXISTS detections (
    doc_id VARCHAR, field VARCHAR, value VARCHAR, evidence VARCHAR, confidence DOUBLE
);
CREATE TABLE IF NOT EXISTS overrides (
    doc_id VARCHAR, field VARCHAR, value VARCHAR, origin VARCHAR,
    updated_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (doc_id, field, origin)
);
CREATE TABLE IF NOT EXISTS token_counts (doc_id VARCHAR, term VARCHAR, count INTEGER);
CREATE TABLE IF NOT EXISTS quantities (doc_id VARCHAR, {QUANTITY_DDL});
CREATE TABLE IF NOT EXISTS user_words (word VARCHAR, kind VARCHAR, PRIMARY KEY (word, kind));
-- Derived from token_counts for fast queries: integer keys, content terms only.
CREATE TABLE IF NOT EXISTS terms (
    term_id INTEGER PRIMARY KEY, term VARCHAR UNIQUE NOT NULL, content BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_index (doc_id VARCHAR PRIMARY KEY, doc_idx INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS doc_terms (doc_idx INTEGER, term_id INTEGER, count INTEGER);
-- The shipped codebooks applied at ingest (the `code` stage, see analysis.codes): one row per
-- theme-word occurrence, and one per sentence coded with a policy instrument. Offsets are
-- into clean_text; start/end delimit the sentence, pos the word.
CREATE TABLE IF NOT EXISTS theme_hits (
    doc_id VARCHAR, theme VARCHAR, term VARCHAR, start INTEGER, "end" INTEGER, pos INTEGER
);
CREATE TABLE IF NOT EXISTS instrument_codes (
    doc_id VARCHAR, start INTEGER, "end" INTEGER, instrument VARCHAR, category VARCHAR,
    label VARCHAR, score INTEGER, cues VARCHAR
);
"""

DOCUMENT_INSERT: Final = (
    "doc_id, sha256, source, encoding, raw_text, clean_text, pipeline, chars, raw_chars"
)
