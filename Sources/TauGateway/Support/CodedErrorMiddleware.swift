import Hummingbird
import TauCore

/// Turns a coded error that a route let through (a store that is down, say) into its
/// status and `{"error": {"code", "message"}}` body, instead of a bare 500.
struct CodedErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as any TauError {
            throw GatewayError(error)
        }
    }
}
