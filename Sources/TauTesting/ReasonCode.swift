import TauCore

/// The reason code `body` fails with: nil when it succeeds, `unexpected: …` for an error
/// without a code. For tests that check which refusal a call gets.
public func thrownCode(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let error as any TauError {
        return error.code
    } catch {
        return "unexpected: \(error)"
    }
}
