internal import CLDNS
import Foundation
import NIOCore
import NIOPosix

/// A DNS server on loopback answering from a fixed zone: the sandbox's stand-in for the domain's real DNS, and the
/// server the DNS probe's tests ask. Questions are read and answers written with ldns; a name outside the zone is
/// NXDOMAIN, a known name without records of the asked type is an empty NOERROR, as a real authority answers.
public final class LocalDNSServer: Sendable {
    public struct Record: Sendable, Hashable {
        public var name: String
        public var type: DNSLookup.RecordType
        /// As in a zone file: `127.0.0.1`, `"v=spf1 include:amazonses.com ~all"`, `10 feedback-smtp.example.`.
        public var data: String

        public init(_ name: String, _ type: DNSLookup.RecordType, _ data: String) {
            self.name = name
            self.type = type
            self.data = data
        }
    }

    let channel: any Channel
    public var port: Int { channel.localAddress?.port ?? 0 }
    public var server: DNSLookup.Server { .at(host: "127.0.0.1", port: port) }

    private init(channel: any Channel) { self.channel = channel }

    /// Serves `records` on 127.0.0.1:`port` (0 picks a free one).
    public static func start(_ records: [Record], port: Int = 0) async throws -> LocalDNSServer {
        let zone = Zone(records: records)
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Responder(zone: zone))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return LocalDNSServer(channel: channel)
    }

    public func stop() async {
        try? await channel.close()
    }

    struct Zone: Sendable {
        let records: [Record]

        static func canonical(_ name: String) -> String {
            (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased()
        }

        /// The answer to `query` in wire format, or `nil` for a packet that is not a question.
        func answer(_ query: [UInt8]) -> [UInt8]? {
            var parsed: UnsafeMutablePointer<ldns_pkt>?
            guard ldns_wire2pkt(&parsed, query, query.count) == LDNS_STATUS_OK, let question = parsed else {
                return nil
            }
            defer { ldns_pkt_free(question) }
            guard let asked = ldns_pkt_question(question), ldns_rr_list_rr_count(asked) == 1,
                let first = ldns_rr_list_rr(asked, 0), let owner = DNSLookup.text(ldns_rdf2str(ldns_rr_owner(first)))
            else { return nil }
            let name = Self.canonical(owner)
            let type = ldns_rr_get_type(first)
            guard let reply = ldns_pkt_new() else { return nil }
            defer { ldns_pkt_free(reply) }
            ldns_pkt_set_id(reply, ldns_pkt_id(question))
            ldns_pkt_set_qr(reply, 1)
            ldns_pkt_set_aa(reply, 1)
            ldns_pkt_set_rd(reply, ldns_pkt_rd(question))
            if let copy = ldns_rr_clone(first) { _ = ldns_pkt_push_rr(reply, LDNS_SECTION_QUESTION, copy) }
            let named = records.filter { Self.canonical($0.name) == name }
            if named.isEmpty { ldns_pkt_set_rcode(reply, UInt8(LDNS_RCODE_NXDOMAIN.rawValue)) }
            for record in named where record.type.ldns == type {
                var made: UnsafeMutablePointer<ldns_rr>?
                let line = "\(name). 60 IN \(record.type.rawValue) \(record.data)"
                guard ldns_rr_new_frm_str(&made, line, 0, nil, nil) == LDNS_STATUS_OK, let made else { continue }
                _ = ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, made)
            }
            var wire: UnsafeMutablePointer<UInt8>?
            var size = 0
            guard ldns_pkt2wire(&wire, reply, &size) == LDNS_STATUS_OK, let wire else { return nil }
            defer { free(wire) }
            return Array(UnsafeBufferPointer(start: wire, count: size))
        }
    }

    final class Responder: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let zone: Zone

        init(zone: Zone) { self.zone = zone }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let answer = zone.answer(Array(envelope.data.readableBytesView)) else { return }
            let buffer = context.channel.allocator.buffer(bytes: answer)
            context.writeAndFlush(
                wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        }
    }
}
