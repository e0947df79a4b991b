/// The tools every node offers its agent, before the tool policy decides which a run gets.
public enum BuiltinTools {
    /// All built-in tools, in the order they are offered: files, search, shell, web, memory.
    /// - Parameters:
    ///   - bash: the shell tool as the node configures it (timeout bound, passed variables).
    ///   - search: the search tool as the node configures it (work bounds).
    public static func all(bash: BashTool = BashTool(), search: SearchTool = SearchTool()) -> [any AgentTool] {
        [
            ReadFileTool(), WriteFileTool(), EditFileTool(), ListDirTool(), search, bash, HTTPFetchTool(), MemorySaveTool(),
            MemorySearchTool(),
        ]
    }
}
