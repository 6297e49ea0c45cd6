/** CI pipelines generated from plans: `stackpilot ci github`'s GitHub Actions workflow. */
export {
  githubWorkflow,
  type GithubWorkflow,
  type GithubWorkflowInput,
  type WorkflowEnvironment,
} from './github-workflow';
export { pushRegistries, registryKind, type PushRegistry, type RegistryKind } from './registries';
