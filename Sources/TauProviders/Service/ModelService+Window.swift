import TauCore

extension ModelService {
    /// The context window a conversation with `model` must fit: the smallest window among the
    /// local routes of its chain (a fallback may land on any of them); nil when the name is
    /// unknown or no route states a window.
    public func contextWindow(of model: String) -> Int? {
        guard let chain = resolve(model) else { return nil }
        return chain.routes.filter { !$0.isRemote }.compactMap(\.contextWindow).min()
    }

    /// The service's prompt-size estimate of `request`, in tokens (what preflight checks).
    public func estimatedTokens(_ request: ChatRequest) -> Int {
        estimator.estimate(request)
    }
}
