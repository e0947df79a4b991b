import TauAgent
import TauCore
import Testing

/// The list of built-in tools and what every entry promises the model.
struct BuiltinToolsTests {
    @Test func everyToolOnceWithAStrictSchema() {
        let tools = BuiltinTools.all()
        #expect(
            tools.map(\.name) == [
                "read_file", "write_file", "edit_file", "list_dir", "search", "bash", "http_fetch", "memory_save", "memory_search",
            ])
        for tool in tools {
            #expect(tool.parameters["type"] == "object", "\(tool.name)")
            #expect(tool.parameters["additionalProperties"] == false, "\(tool.name)")
            #expect(!tool.description.isEmpty, "\(tool.name)")
            for required in tool.parameters["required"]?.arrayValue ?? [] {
                #expect(tool.parameters["properties"]?[required.stringValue ?? ""] != nil, "\(tool.name): \(required)")
            }
        }
        let serial = Set(tools.filter { !$0.isParallelSafe }.map(\.name))
        #expect(serial == ["write_file", "edit_file", "bash"])
        // The node's own configuration of a tool is the one listed.
        let configured = BuiltinTools.all(bash: BashTool(timeoutLimitSeconds: 5))
        #expect(configured.first { $0.name == "bash" }?.parameters["properties"]?["timeout_seconds"]?["maximum"] == 5)
    }
}
