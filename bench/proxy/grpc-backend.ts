// A @grpc/grpc-js server for the gRPC unary benchmark: /bench.Echo/Echo answers every request
// with a 1 KiB message. Raw byte (de)serialisers keep protobuf out of the measurement.
//   node grpc-backend.js PORT
import * as grpc from '@grpc/grpc-js';

const port = Number(process.argv[2]);
const reply = Buffer.alloc(1024, 0x78);
const raw = (b: Buffer): Buffer => b;
const server = new grpc.Server();
server.addService({
  Echo: {
    path: '/bench.Echo/Echo', requestStream: false, responseStream: false,
    requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw,
  },
}, {
  Echo: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, reply),
});
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) => {
  if (e) {
    console.error(e.message);
    process.exit(1);
  }
});
process.once('SIGTERM', () => server.forceShutdown());
