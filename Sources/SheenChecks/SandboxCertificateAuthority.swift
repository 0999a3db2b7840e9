import Crypto
import Foundation
import SwiftASN1
import X509

/// The sandbox's own certificate authority: a P-256 root made afresh for one sandbox, which issues the certificate
/// the sandbox's TLS stand-in serves for the sandbox domain. Only the sandbox's checks trust it
/// (``TLSCertificateCheck/Trust/roots(_:)``); a real run trusts the system's roots and so refuses everything it signs.
public struct SandboxCertificateAuthority: Sendable {
    public let root: Certificate
    let key: P256.Signing.PrivateKey
    let name: DistinguishedName

    public init(now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName("Sheen Sandbox CA")
            OrganizationName("Sheen sandbox (never trusted outside it)")
        }
        root = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(5 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            }, issuerPrivateKey: .init(key))
        self.key = key
        self.name = name
    }

    /// The root in PEM, for `--ca-file` and for tools that should trust this sandbox only.
    public var rootPEM: String {
        (try? root.serializeAsPEM().pemString) ?? ""
    }

    /// A leaf certificate for `hosts` valid from `notBefore` to `notAfter`, with its private key.
    public func issue(
        hosts: [String], notBefore: Date, notAfter: Date
    ) throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
        let leafKey = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: name,
            subject: try DistinguishedName { CommonName(hosts.first ?? "sandbox") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames(hosts.map { .dnsName($0) })
                try ExtendedKeyUsage([.serverAuth])
                Critical(KeyUsage(digitalSignature: true))
            }, issuerPrivateKey: .init(key))
        return (certificate, leafKey)
    }
}
