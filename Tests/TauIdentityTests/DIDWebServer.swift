import Foundation
import Hummingbird
import NIOCore
import TauTesting

/// A did:web host on 127.0.0.1 whose documents name the port it listens on.
enum DIDWebServer {
    static func with(_ body: @escaping @Sendable (String, Int) async throws -> Void) async throws {
        let router = Router()
        router.get("users/alice/did.json") { request, _ -> Response in
            let host = request.head.authority ?? ""
            let port = host.split(separator: ":").last.map(String.init) ?? ""
            let did = "did:web:127.0.0.1%3A\(port):users:alice"
            let key = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
            let document = """
                {"@context":["https://www.w3.org/ns/did/v1"],"id":"\(did)",
                 "verificationMethod":[{"id":"\(did)#key-1","type":"Multikey","controller":"\(did)","publicKeyMultibase":"\(key)"}],
                 "authentication":["#key-1"]}
                """
            return Response(status: .ok, headers: [.contentType: "application/did+json"], body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        router.get("wrong/did.json") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"id":"did:web:elsewhere.example"}"#)))
        }
        router.get("junk/did.json") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>")))
        }
        try await StaticHTTPServer.serve(router) { base in
            let port = Int(base.split(separator: ":").last ?? "") ?? 0
            try await body(base, port)
        }
    }
}
