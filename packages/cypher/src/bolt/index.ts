// The Bolt server (neo4j-driver talks to it) and the conversions between driver and engine values.
export { startBoltServer, type BoltServer, type BoltServerOptions } from "./server";
export { fromDriverValue, toDriverValue } from "./driver-values"; // also "@courses/cypher/driver-values"
export { setupTestBoltServer, type TestBolt } from "./test-server";
