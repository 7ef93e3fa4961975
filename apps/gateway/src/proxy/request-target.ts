import type { RequestHandler } from "express";
import { badRequest } from "../../../lib/http/http-error";

/**
 * Request targets that could mean one path here and another upstream are refused
 * before routing: an absolute-form target ("GET http://elsewhere/ HTTP/1.1"), a
 * backslash (which some servers read as "/"), an encoded slash, backslash or dot,
 * and dot segments. A real client never sends them; a proxy that normalised them
 * instead would be guessing what the next server does with them.
 */
const ENCODED_SEPARATOR = /%(2f|5c|2e)/i;

export function refusedTargetReason(target: string): string | undefined {
  if (!target.startsWith("/")) return "the request target must be a path (origin-form), not an absolute URL";
  const path = target.split("?", 1)[0] ?? "";
  if (path.includes("\\")) return "the path contains a backslash";
  if (ENCODED_SEPARATOR.test(path)) return "the path contains an encoded slash, backslash or dot";
  if (path.split("/").some((segment) => segment === "." || segment === "..")) return "the path contains a dot segment";
  return undefined;
}

export function refuseTrickyTargets(): RequestHandler {
  return (req, _res, next) => {
    const reason = refusedTargetReason(req.originalUrl);
    next(reason === undefined ? undefined : badRequest("bad_request_target", reason));
  };
}
