import CoreMetrics
import Prometheus

/// The node's swift-metrics backend: every metric the modules emit lands in one
/// Prometheus registry, printed by `GET /metrics`. Unlike swift-prometheus's own factory it
/// keeps each metric's help text (`# HELP` lines) and histogram buckets, looked up by name.
public final class PrometheusExporter: MetricsFactory, Sendable {
    let registry = PrometheusCollectorRegistry()
    private let help: [String: String]
    private let buckets: [String: [Duration]]

    /// - Parameters:
    ///   - help: help text by metric name.
    ///   - buckets: duration histogram buckets by metric name (Prometheus's defaults otherwise).
    public init(help: [String: String], buckets: [String: [Duration]] = [:]) {
        self.help = help
        self.buckets = buckets
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: help[label] ?? "")
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: help[label] ?? "")
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        // Every recorder the node uses is a gauge (`aggregate: false`); a value histogram is
        // kept for completeness with Prometheus's default buckets.
        guard aggregate else { return registry.makeGauge(name: label, labels: dimensions, help: help[label] ?? "") }
        return registry.makeValueHistogram(
            name: label, labels: dimensions, buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000], help: help[label] ?? "")
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(name: label, labels: dimensions, help: help[label] ?? "")
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let defaults: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10)]
        return registry.makeDurationHistogram(name: label, labels: dimensions, buckets: buckets[label] ?? defaults, help: help[label] ?? "")
    }

    // The node's metrics live as long as the process; nothing is unregistered.
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}
