import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * A MySQL server that signs clients in the way RDS does for an IAM database user,
 * speaking the real wire protocol (MySQL client/server protocol 4.1): it greets with
 * mysql_native_password, then switches the client to mysql_clear_password
 * (AuthSwitchRequest) and takes the IAM auth token in clear. It then answers COM_PING
 * and COM_QUIT, enough for a client to connect, ping and close. Only the sign-in is
 * real: it stands in for RDS, which cannot run here.
 */
export interface FakeRdsLogin {
  readonly user: string;
  /** What the client sent in its first reply, before the switch: no password may travel there. */
  readonly firstAuthResponse: Buffer;
  /** The cleartext the client sent after the switch (the token), without its trailing NUL. */
  readonly clearText: string;
}

export interface FakeRdsMysql {
  readonly port: number;
  readonly logins: FakeRdsLogin[];
  close(): Promise<void>;
}

const CLIENT_CONNECT_WITH_DB = 0x8;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_TRANSACTIONS = 0x2000;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;
const CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x200000;
const SERVER_CAPABILITIES =
  CLIENT_CONNECT_WITH_DB |
  CLIENT_PROTOCOL_41 |
  CLIENT_TRANSACTIONS |
  CLIENT_SECURE_CONNECTION |
  CLIENT_PLUGIN_AUTH |
  CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
const COM_QUIT = 0x01;
const COM_PING = 0x0e;
const ER_ACCESS_DENIED = 1045;

/** Starts the server; `accept` decides whether a token signs its user in. */
export async function startFakeRdsMysql(accept: (login: FakeRdsLogin) => boolean): Promise<FakeRdsMysql> {
  const logins: FakeRdsLogin[] = [];
  const server: Server = createServer((socket) => serve(socket, logins, accept));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function serve(socket: Socket, logins: FakeRdsLogin[], accept: (login: FakeRdsLogin) => boolean): void {
  let buffered = Buffer.alloc(0);
  let stage: "handshake" | "clear-text" | "command" = "handshake";
  let pending: { user: string; firstAuthResponse: Buffer } | undefined;
  const send = (sequence: number, payload: Buffer) => {
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header.writeUInt8(sequence, 3);
    socket.write(Buffer.concat([header, payload]));
  };

  socket.on("data", (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = buffered.readUIntLE(0, 3);
      if (buffered.length < 4 + length) return;
      const sequence = buffered.readUInt8(3);
      const payload = buffered.subarray(4, 4 + length);
      buffered = buffered.subarray(4 + length);
      if (stage === "handshake") {
        pending = parseHandshakeResponse(payload);
        // RDS asks an IAM user for its token in clear (the connection is TLS there).
        send(sequence + 1, Buffer.concat([Buffer.from([0xfe]), Buffer.from("mysql_clear_password\0")]));
        stage = "clear-text";
      } else if (stage === "clear-text") {
        const login = { ...pending!, clearText: payload.toString("utf8").replace(/\0$/, "") };
        logins.push(login);
        if (!accept(login)) {
          send(sequence + 1, errPacket(ER_ACCESS_DENIED, `Access denied for user '${login.user}'`));
          socket.end();
          return;
        }
        send(sequence + 1, okPacket());
        stage = "command";
      } else if (payload[0] === COM_PING) {
        send(1, okPacket());
      } else if (payload[0] === COM_QUIT) {
        socket.end();
      } else {
        send(1, errPacket(1047, "only COM_PING and COM_QUIT are served here"));
      }
    }
  });
  socket.on("error", () => socket.destroy());
  send(0, handshakeV10());
}

/** Protocol::HandshakeV10, offering mysql_native_password as RDS does. */
function handshakeV10(): Buffer {
  const scramble = Buffer.from(randomBytes(20).map((b) => (b === 0 ? 1 : b)));
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let at = 0;
  at = fixed.writeUInt32LE(7, at); // connection id
  scramble.copy(fixed, at, 0, 8);
  at += 8 + 1; // auth-plugin-data part 1, filler
  at = fixed.writeUInt16LE(SERVER_CAPABILITIES & 0xffff, at);
  at = fixed.writeUInt8(0xff, at); // utf8mb4
  at = fixed.writeUInt16LE(0x0002, at); // autocommit
  at = fixed.writeUInt16LE(SERVER_CAPABILITIES >>> 16, at);
  fixed.writeUInt8(21, at); // auth-plugin-data length (then 10 reserved bytes)
  return Buffer.concat([
    Buffer.from([10]),
    Buffer.from("8.0.40-fake-rds\0"),
    fixed,
    scramble.subarray(8),
    Buffer.from([0]),
    Buffer.from("mysql_native_password\0"),
  ]);
}

/** Protocol::HandshakeResponse41: the user and the first auth response. */
function parseHandshakeResponse(payload: Buffer): { user: string; firstAuthResponse: Buffer } {
  let at = 4 + 4 + 1 + 23;
  const userEnd = payload.indexOf(0, at);
  const user = payload.toString("utf8", at, userEnd);
  at = userEnd + 1;
  // A length-encoded integer (CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) or a one-byte length: the same below 251.
  const authLength = payload[at]!;
  if (authLength >= 0xfb) throw new Error("auth response longer than the fake server reads");
  at += 1;
  return { user, firstAuthResponse: Buffer.from(payload.subarray(at, at + authLength)) };
}

function okPacket(): Buffer {
  return Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);
}

function errPacket(code: number, message: string): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt8(0xff, 0);
  head.writeUInt16LE(code, 1);
  return Buffer.concat([head, Buffer.from("#28000"), Buffer.from(message)]);
}
