import Foundation
import TauAgent
import TauCore

/// `[agent]` as typed settings, with the defaults filled in.
public struct AgentSettings: Sendable, Equatable {
    public var model: String?
    /// Where runs of the runs API work (absolute, `~` expanded); nil: `serve`'s directory.
    public var workspace: String?
    public var profile: String
    public var maxTurns: Int
    /// Most concurrent runs of the runs API per replica.
    public var maxRuns: Int
    public var turnTimeout: Duration
    public var toolTimeout: Duration
    public var runTimeout: Duration
    /// Extra directories tools may use (absolute, `~` expanded).
    public var roots: [String]
    /// Extra protected paths (the node home is always protected).
    public var protected: [String]

    public init(_ agent: NodeConfiguration.Agent?) {
        func duration(_ text: String?, _ fallback: Duration) -> Duration {
            text.flatMap { try? NodeConfiguration.duration($0) } ?? fallback
        }
        func expanded(_ path: String) -> String { (path as NSString).expandingTildeInPath }
        model = agent?.model
        workspace = agent?.workspace.map(expanded)
        profile = agent?.profile ?? "balanced"
        maxTurns = agent?.max_turns ?? 40
        maxRuns = agent?.max_runs ?? 8
        turnTimeout = duration(agent?.turn_timeout, .seconds(600))
        toolTimeout = duration(agent?.tool_timeout, .seconds(900))
        runTimeout = duration(agent?.run_timeout, .seconds(3600))
        roots = (agent?.roots ?? []).map(expanded)
        protected = (agent?.protected ?? []).map(expanded)
    }
}
