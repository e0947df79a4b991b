import TauAgent
import Testing

/// The gitignore rules, one aspect of gitignore(5) per test.
struct GitIgnoreTests {
    func ignored(_ rules: String, _ path: String, directory: Bool = false) -> Bool {
        GitIgnore(rules).isIgnored(path, isDirectory: directory)
    }

    @Test func commentsBlankLinesEscapesAndTrailingSpaces() {
        let rules = "# a comment\n\n   \n\\#hash\n\\!bang\ntrailing   \nspace\\ \r\ncrlf\r\n"
        #expect(!ignored(rules, "# a comment"))
        #expect(!ignored(rules, "a"))
        #expect(ignored(rules, "#hash"))
        #expect(ignored(rules, "!bang"))
        #expect(ignored(rules, "trailing"))
        #expect(!ignored(rules, "trailing   "))
        #expect(ignored(rules, "space "))
        #expect(!ignored(rules, "space"))
        #expect(ignored(rules, "crlf"))
    }

    @Test func aPatternWithoutSlashMatchesAtAnyDepthOneWithASlashOnlyFromItsDirectory() {
        let rules = "*.log\n/build\ndoc/frotz\n"
        #expect(ignored(rules, "a.log"))
        #expect(ignored(rules, "x/y/a.log"))
        #expect(!ignored(rules, "a.log.txt"))
        #expect(ignored(rules, "build", directory: true))
        #expect(ignored(rules, "build/anything"))
        #expect(!ignored(rules, "src/build", directory: true))
        #expect(ignored(rules, "doc/frotz"))
        #expect(!ignored(rules, "a/doc/frotz"))
    }

    @Test func aTrailingSlashMatchesDirectoriesOnlyAndTheirContents() {
        let rules = "out/\n"
        #expect(ignored(rules, "out", directory: true))
        #expect(!ignored(rules, "out", directory: false))
        #expect(ignored(rules, "out/file.txt"))
        #expect(ignored(rules, "a/out/deep/file.txt"))
        #expect(!ignored(rules, "output/file.txt"))
    }

    @Test func negationReincludesButNotBelowAnIgnoredDirectory() {
        let rules = "*.log\n!keep.log\nlogs/\n!logs/wanted.txt\n"
        #expect(ignored(rules, "a.log"))
        #expect(!ignored(rules, "keep.log"))
        #expect(!ignored(rules, "deep/keep.log"))
        // The directory is excluded, so nothing inside can come back.
        #expect(ignored(rules, "logs/wanted.txt"))
        // The last matching line wins.
        #expect(ignored("!x\nx\n", "x"))
        #expect(!ignored("x\n!x\n", "x"))
    }

    @Test func starQuestionMarkAndCharacterClasses() {
        #expect(ignored("?.txt", "a.txt"))
        #expect(!ignored("?.txt", "ab.txt"))
        #expect(ignored("src/*.c", "src/a.c"))
        #expect(!ignored("src/*.c", "src/x/a.c"), "* does not match a slash")
        #expect(!ignored("a?b", "a/b"), "? does not match a slash")
        #expect(ignored("[a-c]x", "bx"))
        #expect(!ignored("[a-c]x", "dx"))
        #expect(ignored("[!a-c]x", "dx"))
        #expect(!ignored("[!a-c]x", "ax"))
        #expect(ignored("[^0-9]z", "qz"))
        #expect(!ignored("[^0-9]z", "5z"))
        #expect(ignored("[]]z", "]z"))
        #expect(ignored("file[0-9][0-9].txt", "file42.txt"))
        #expect(!ignored("[abc", "[abc"), "an unclosed class matches nothing, as in git")
        #expect(ignored("\\*star", "*star"))
        #expect(!ignored("\\*star", "xstar"))
        #expect(ignored("a*b*c", "aXXbYYc"))
        #expect(!ignored("a*b*c", "aXXbYY"))
    }

    @Test func doubleStar() {
        for path in ["foo", "a/foo", "a/b/foo"] { #expect(ignored("**/foo", path), "\(path)") }
        #expect(ignored("abc/**", "abc/x"))
        #expect(ignored("abc/**", "abc/x/y"))
        #expect(!ignored("abc/**", "abc", directory: true), "abc/** is what is inside abc")
        for path in ["a/b", "a/x/b", "a/x/y/b"] { #expect(ignored("a/**/b", path), "\(path)") }
        #expect(!ignored("a/**/b", "a/xb"))
        #expect(ignored("**", "anything/at/all"))
        // Inside a segment, ** is a plain *.
        #expect(ignored("a**b", "axxb"))
        #expect(!ignored("a**b", "ax/b"))
        // A re-include inside a directory matched by dir/** works, the directory itself is not excluded.
        #expect(!ignored("abc/**\n!abc/keep", "abc/keep"))
    }

    @Test func nestedFilesApplyBelowTheirDirectoryAndWinOverTheRoot() {
        let ignore = GitIgnore("*.tmp\n").adding("!keep.tmp\n/local\n", base: "sub")
        #expect(ignore.isIgnored("x.tmp", isDirectory: false))
        #expect(ignore.isIgnored("sub/x.tmp", isDirectory: false))
        #expect(!ignore.isIgnored("sub/keep.tmp", isDirectory: false))
        #expect(ignore.isIgnored("keep.tmp", isDirectory: false), "the nested rule does not reach above its directory")
        #expect(ignore.isIgnored("sub/local", isDirectory: false))
        #expect(!ignore.isIgnored("local", isDirectory: false))
        #expect(!ignore.isIgnored("sub/deeper/local", isDirectory: false), "anchored to sub/")
        #expect(!GitIgnore().isIgnored("anything", isDirectory: false))
    }
}
