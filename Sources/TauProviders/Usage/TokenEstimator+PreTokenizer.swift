/// The pre-tokenization step of OpenAI's `o200k_base` encoding, written out by hand.
///
/// BPE never merges across the pieces this step produces, so the token count of a text
/// is the sum of its pieces' counts; the estimator prices each piece on its own. The
/// splitting follows the encoding's published pattern (tiktoken `openai_public.py`),
/// alternative by alternative, in the order the regex engine tries them:
///
/// 1. words: an optional prefix (any one scalar that is not a letter, number, CR or LF),
///    then `[Lu Lt Lm Lo M]* [Ll Lm Lo M]+` or `[Lu Lt Lm Lo M]+ [Ll Lm Lo M]*`, then
///    an optional English contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`);
/// 2. one to three numbers;
/// 3. an optional space, a run of scalars that are neither whitespace, letters nor
///    numbers, then any CR, LF and `/`;
/// 4. whitespace ending in line breaks; whitespace that leaves its last scalar to the
///    next piece; any other whitespace.
///
/// The unit tests check it against splits the real encoder produced.
struct PreTokenizer {
    /// What a piece is; the price list depends on it.
    enum Kind: Equatable {
        /// Letters, possibly after one prefix scalar.
        case word(prefixed: Bool)
        /// One to three numbers.
        case number
        /// Punctuation and symbols (with an optional leading space).
        case symbols
        /// Whitespace only.
        case whitespace
    }

    /// Unicode facts about one scalar, looked up once. Plain bits rather than an
    /// `OptionSet`: the generic set algebra dominated the cost in debug builds.
    struct Traits {
        let rawValue: UInt8
        static let letter = Traits(rawValue: 1 << 0)
        static let mark = Traits(rawValue: 1 << 1)
        static let number = Traits(rawValue: 1 << 2)
        static let whitespace = Traits(rawValue: 1 << 3)
        static let lineBreak = Traits(rawValue: 1 << 4)
        /// Lu, Lt, Lm, Lo or M: may stand in the capitalized part of a word.
        static let upperish = Traits(rawValue: 1 << 5)
        /// Ll, Lm, Lo or M: may stand in the lowercase part of a word.
        static let lowerish = Traits(rawValue: 1 << 6)
        /// An uppercase letter proper (Lu).
        static let uppercase = Traits(rawValue: 1 << 7)

        /// Whether any of the bits of `other` is set.
        func has(_ other: Traits) -> Bool { rawValue & other.rawValue != 0 }

        static func | (lhs: Traits, rhs: Traits) -> Traits { Traits(rawValue: lhs.rawValue | rhs.rawValue) }

        var isLetterish: Bool { has(.letter | .mark) }
        /// Neither whitespace, letter nor number (marks included, as in `[^\s\p{L}\p{N}]`).
        var isSymbol: Bool { !has(.whitespace | .letter | .number) }

        init(rawValue: UInt8) { self.rawValue = rawValue }

        init(_ scalar: Unicode.Scalar) {
            if scalar.value < 0x80 {
                self = Traits.ascii[Int(scalar.value)]
            } else {
                self = Traits(scalar.properties)
            }
        }

        private init(_ properties: Unicode.Scalar.Properties) {
            var traits: Traits = properties.isWhitespace ? .whitespace : Traits(rawValue: 0)
            switch properties.generalCategory {
            case .uppercaseLetter: traits = traits | .letter | .upperish | .uppercase
            case .titlecaseLetter: traits = traits | .letter | .upperish
            case .lowercaseLetter: traits = traits | .letter | .lowerish
            case .modifierLetter, .otherLetter: traits = traits | .letter | .upperish | .lowerish
            case .nonspacingMark, .spacingMark, .enclosingMark: traits = traits | .mark | .upperish | .lowerish
            case .decimalNumber, .letterNumber, .otherNumber: traits = traits | .number
            default: break
            }
            self = traits
        }

        /// ASCII is most of most prompts: skip the property lookup for it.
        private static let ascii: [Traits] = (0..<128).map { value in
            guard let scalar = Unicode.Scalar(value) else { return Traits(rawValue: 0) }
            let traits = Traits(scalar.properties)
            return value == 0x0A || value == 0x0D ? traits | .lineBreak : traits
        }
    }

    let scalars: [Unicode.Scalar]
    let traits: [Traits]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        traits = scalars.map(Traits.init)
    }

    /// Calls `body` with each piece's scalar range and kind, in order.
    func forEachPiece(_ body: (Range<Int>, Kind) -> Void) {
        var index = 0
        while index < scalars.count {
            let (end, kind) = piece(at: index)
            body(index..<end, kind)
            index = end
        }
    }

    /// The pieces as strings (for tests and diagnostics).
    var pieces: [String] {
        var result: [String] = []
        forEachPiece { range, _ in
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[range])
            result.append(String(piece))
        }
        return result
    }

    private func piece(at start: Int) -> (end: Int, kind: Kind) {
        let first = traits[start]
        if first.isLetterish, let end = wordEnd(from: start) {
            return (end, .word(prefixed: false))
        }
        let next = start + 1 < scalars.count ? traits[start + 1] : nil
        if !first.has(.lineBreak | .letter | .number), let next, next.isLetterish,
            let end = wordEnd(from: start + 1)
        {
            return (end, .word(prefixed: true))
        }
        if first.has(.number) {
            var end = start + 1
            while end < scalars.count, end - start < 3, traits[end].has(.number) { end += 1 }
            return (end, .number)
        }
        let symbolStart = scalars[start] == " " && next?.isSymbol == true ? start + 1 : start
        if traits[symbolStart].isSymbol {
            var end = symbolStart
            while end < scalars.count, traits[end].isSymbol { end += 1 }
            while end < scalars.count, traits[end].has(.lineBreak) || scalars[end] == "/" { end += 1 }
            return (end, .symbols)
        }
        return (whitespaceEnd(from: start), .whitespace)
    }

    /// `[upperish]*[lowerish]+` with the regex engine's backtracking, else
    /// `[upperish]+[lowerish]*`, then an optional contraction.
    private func wordEnd(from start: Int) -> Int? {
        var upperEnd = start
        while upperEnd < scalars.count, traits[upperEnd].has(.upperish) { upperEnd += 1 }
        var lowerEnd = upperEnd
        while lowerEnd < scalars.count, traits[lowerEnd].has(.lowerish) { lowerEnd += 1 }
        var end: Int
        if lowerEnd > upperEnd {
            end = lowerEnd
        } else if let last = (start..<upperEnd).last(where: { traits[$0].has(.lowerish) }) {
            end = last + 1  // giving back the scalars after the last one that can also be lowercase
        } else if upperEnd > start {
            end = upperEnd
        } else {
            return nil
        }
        end += contractionLength(at: end)
        return end
    }

    private func contractionLength(at index: Int) -> Int {
        guard index + 1 < scalars.count, scalars[index] == "'" else { return 0 }
        func lower(_ offset: Int) -> Unicode.Scalar? {
            guard index + offset < scalars.count, scalars[index + offset].isASCII else { return nil }
            let value = scalars[index + offset].value
            return Unicode.Scalar((0x41...0x5A).contains(value) ? value + 0x20 : value)
        }
        switch (lower(1), lower(2)) {
        case ("r", "e"), ("v", "e"), ("l", "l"): return 3
        case ("s", _), ("t", _), ("m", _), ("d", _): return 2
        default: return 0
        }
    }

    /// `\s*[\r\n]+`, else `\s+(?!\S)`, else `\s+`.
    private func whitespaceEnd(from start: Int) -> Int {
        var end = start
        var lastBreak: Int?
        while end < scalars.count, traits[end].has(.whitespace) {
            if traits[end].has(.lineBreak) { lastBreak = end }
            end += 1
        }
        if end == start { return start + 1 }  // unreachable for valid traits; never stall
        if let lastBreak { return lastBreak + 1 }
        if end == scalars.count || end - start == 1 { return end }
        return end - 1
    }
}
