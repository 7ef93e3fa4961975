/**
 * The client headers the gateway passes on to a service; everything else a client
 * sends stays here. Who the caller is travels only as the gateway's signed internal
 * identity (InternalTokenSigner), never as a header a client could also write.
 */
export const FORWARDED_CLIENT_HEADERS = ["accept", "accept-language", "content-type", "user-agent"] as const;
