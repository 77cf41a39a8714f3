// The openCypher TCK runner, in-process or through neo4j-driver over Bolt.
export {
  folderTable,
  graphsDirFor,
  listFeatureFiles,
  runFeatures,
  runScenario,
  type ScenarioResult,
} from "./runner";
export {
  createInProcessExecutor,
  errorToTck,
  type TckError,
  type TckExecutor,
  type TckRunResult,
} from "./executor";
export { createBoltExecutor } from "./bolt-executor";
