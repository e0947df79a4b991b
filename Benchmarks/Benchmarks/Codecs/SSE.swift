import Benchmark
import TauCore
import TauProviders

/// An OpenAI chat-completions stream as it comes off the wire: a role chunk, `chunks` content
/// chunks of a few tokens each, the finish chunk, a usage chunk and `[DONE]`.
func openAIStreamBody(chunks: Int) -> [UInt8] {
    let head = #"{"id":"chatcmpl-BxQ3hP1v2nW8kR0sT5uY7aZ9cD4eF","object":"chat.completion.chunk","created":1733395200,"model":"gpt-4.1-mini-2025-04-14","service_tier":"default","system_fingerprint":"fp_6f2eabb9a5","choices":[{"index":0,"delta":"#
    let words = ["The", " node", " verifies", " each", " message", ",", " then", " routes", " it", " to", " a", " handler", "."]
    var text = "data: " + head + #"{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}"# + "\n\n"
    for index in 0..<chunks {
        let piece = words[index % words.count] + (index % 5 == 0 ? " \\\"quoted\\\"" : "")
        text += "data: " + head + #"{"content":""# + piece + #""},"logprobs":null,"finish_reason":null}],"usage":null}"# + "\n\n"
    }
    text += "data: " + head + #"{},"logprobs":null,"finish_reason":"stop"}],"usage":null}"# + "\n\n"
    text += "data: " + head.replacingOccurrences(of: #""choices":[{"index":0,"delta":"#, with: #""choices":[],"usage":"#)
        + #"{"prompt_tokens":1200,"completion_tokens":\#(chunks),"total_tokens":\#(1200 + chunks),"prompt_tokens_details":{"cached_tokens":0}}}"# + "\n\n"
    text += "data: [DONE]\n\n"
    return Array(text.utf8)
}

func sseBenchmarks() {
    // About 100 KiB: a long answer of 400 chunks. Fed in 1,400-byte pieces (a TCP segment's
    // payload), as the bytes arrive from the upstream. The size is in the name, for MB/s.
    let size = openAIStreamBody(chunks: 400).count
    Benchmark(
        "SSE parse, OpenAI stream, 400 chunks fed in 1400-byte pieces, \(size) bytes", configuration: configuration(maxIterations: 20_000),
        closure: { (benchmark: Benchmark, pieces: [ArraySlice<UInt8>]) in
            var parser = SSEParser()
            var events = 0
            do {
                for piece in pieces { events += try parser.feed(piece).count }
            } catch {
                benchmark.error("the stream was refused: \(error)")
            }
            if parser.finish() != nil { events += 1 }
            if events != 404 { benchmark.error("\(events) events, not 404") }
        },
        setup: {
            let body = openAIStreamBody(chunks: 400)
            return stride(from: 0, to: body.count, by: 1_400).map { body[$0..<min($0 + 1_400, body.count)] }
        })
}

/// The chunks of `openAIStreamBody(chunks:)`, as the data of their SSE events, `[DONE]` left out.
func openAIStreamChunks(chunks: Int) -> [[UInt8]] {
    var parser = SSEParser()
    let events = (try? parser.feed(openAIStreamBody(chunks: chunks)[...])) ?? []
    return events.filter { $0.data != "[DONE]" }.map { Array($0.data.utf8) }
}

func chunkDecodingBenchmarks() {
    // The gateway's decoding of each chunk of a stream, with the text deltas scanned (what the
    // node runs) and, for comparison, every chunk parsed into a JSONValue first.
    chunkDecodingBenchmark("text deltas scanned") { chunk, started in
        try OpenAIChatFormat.events(ofChunk: chunk, started: started).count
    }
    chunkDecodingBenchmark("every chunk parsed") { chunk, started in
        OpenAIChatFormat.decodeChunk(try JSONValue(parsing: chunk), started: started).count
    }
}

/// One benchmark decoding the 403 chunks of `openAIStreamChunks(chunks: 400)` with `decode`,
/// which returns the number of events of a chunk; the 403 events are checked.
func chunkDecodingBenchmark(_ variant: String, decode: @escaping @Sendable ([UInt8], Bool) throws -> Int) {
    Benchmark(
        "OpenAI stream chunks decoded, 403 chunks, \(variant)", configuration: configuration(maxIterations: 20_000),
        closure: { (benchmark: Benchmark, chunks: [[UInt8]]) in
            var events = 0
            do {
                for (index, chunk) in chunks.enumerated() { events += try decode(chunk, index > 0) }
            } catch {
                benchmark.error("a chunk was refused: \(error)")
            }
            if events != 403 { benchmark.error("\(events) events, not 403") }
        }, setup: { openAIStreamChunks(chunks: 400) })
}
