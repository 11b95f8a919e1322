// Source hosting, CI/CD and developer platforms. Formats from the providers' public documentation.
import type { Def } from '../build.js';
import { githubChecksum } from '../checksums.js';
import { CS, draw, r, raw, uuidSeg } from '../lib.js';

const UUID = uuidSeg();

const gh = (prefix: string, what: string, env: string): Def => ({
  id: `github-${what.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '')}`, provider: 'github', desc: `GitHub ${what} (${prefix}, CRC32-checksummed)`, env,
  body: [prefix, r('alnum', 36)], keywords: [prefix], checksum: 'github-crc32', finish: githubChecksum, severity: 'critical',
  // A well-formed token whose last checksum character is off by one: typed by hand or made up.
  notGen: (v) => [v.slice(0, -1) + (v.endsWith('z') ? 'y' : String.fromCharCode(v.charCodeAt(v.length - 1) + 1).replace(':', 'A').replace('[', 'a'))],
});

// GitLab tokens: `<prefix>` + 20 url-safe chars (classic) or the routable form with a `.xx.yyyyyyyyy` tail.
const glBody = (): Def['body'] => [
  r('b64url', 20),
  raw('(?:[A-Za-z0-9_-]{7,280}\\.[0-9a-z]{2}\\.[0-9a-z]{7,9})?', (g) => (g() < 0.4 ? '' : draw(g, CS.b64url.chars, 7) + '.01.' + draw(g, CS.lower.chars, 9)), 'A-Za-z0-9_-'),
];
const gl = (prefix: string, id: string, what: string, env: string, severity: Def['severity'] = 'high'): Def => ({
  id, provider: 'gitlab', desc: `GitLab ${what} (${prefix})`, env, body: [prefix, ...glBody()], keywords: [prefix], severity,
});

export const sourceCi: Def[] = [
  gh('ghp_', 'personal access token', 'GITHUB_TOKEN'),
  gh('gho_', 'OAuth access token', 'GITHUB_OAUTH_TOKEN'),
  gh('ghu_', 'user-to-server token', 'GH_USER_TOKEN'),
  gh('ghs_', 'server-to-server token', 'GITHUB_APP_TOKEN'),
  gh('ghr_', 'refresh token', 'GITHUB_REFRESH_TOKEN'),
  { id: 'github-fine-grained-pat', provider: 'github', desc: 'GitHub fine-grained personal access token (github_pat_)', env: 'GH_TOKEN',
    body: ['github_pat_', r('alnum', 22), '_', r('alnum', 59)], keywords: ['github_pat_'], severity: 'critical' },
  { id: 'github-oauth-client-secret', provider: 'github', desc: 'GitHub OAuth/App client secret (40 hex) next to a GitHub key name', env: 'GITHUB_CLIENT_SECRET',
    ctx: 'github_?(?:oauth_?|app_?)?client_?secret|gh_?client_?secret', body: [r('hex', 40)], keywords: ['github', 'gh_client'] },
  gl('glpat-', 'gitlab-personal-access-token', 'personal/project/group access token', 'GITLAB_TOKEN', 'critical'),
  gl('gldt-', 'gitlab-deploy-token', 'deploy token', 'GITLAB_DEPLOY_TOKEN'),
  gl('glrt-', 'gitlab-runner-auth-token', 'runner authentication token', 'CI_RUNNER_TOKEN'),
  gl('glrtr-', 'gitlab-runner-auth-token-routable', 'runner authentication token (routable, created via registration)', 'RUNNER_TOKEN'),
  gl('glptt-', 'gitlab-pipeline-trigger-token', 'pipeline trigger token', 'GITLAB_TRIGGER_TOKEN'),
  gl('glsoat-', 'gitlab-scim-oauth-token', 'SCIM OAuth access token', 'GITLAB_SCIM_TOKEN'),
  gl('glimt-', 'gitlab-incoming-mail-token', 'incoming email token', 'GITLAB_INCOMING_MAIL_TOKEN', 'medium'),
  gl('glagent-', 'gitlab-agent-token', 'agent for Kubernetes token', 'GITLAB_AGENT_TOKEN'),
  gl('gloas-', 'gitlab-oauth-app-secret', 'OAuth application secret', 'GITLAB_OAUTH_SECRET'),
  gl('glft-', 'gitlab-feed-token', 'feed token', 'GITLAB_FEED_TOKEN', 'medium'),
  gl('glffct-', 'gitlab-feature-flags-client-token', 'feature flags client token', 'UNLEASH_INSTANCE_ID', 'medium'),
  gl('glwt-', 'gitlab-workspace-token', 'workspace token', 'GITLAB_WORKSPACE_TOKEN'),
  { id: 'gitlab-ci-job-token', provider: 'gitlab', desc: 'GitLab CI/CD job token (glcbt-)', env: 'CI_JOB_TOKEN',
    body: ['glcbt-', raw('(?:[0-9a-zA-Z]{1,5}_)?[0-9a-zA-Z_-]{20,300}', (g) => '64_' + draw(g, CS.b64url.chars, 20), 'A-Za-z0-9_-')], keywords: ['glcbt-'], severity: 'medium' },
  { id: 'gitlab-runner-registration-token', provider: 'gitlab', desc: 'GitLab legacy runner registration token (GR1348941)', env: 'REGISTRATION_TOKEN',
    body: ['GR1348941', r('b64url', 20)], keywords: ['gr1348941'] },
  // Atlassian / Bitbucket
  { id: 'atlassian-api-token', provider: 'atlassian', desc: 'Atlassian (Jira/Confluence) API token (ATATT3…=checksum)', env: 'JIRA_API_TOKEN',
    body: ['ATATT3', r('b64url', 150, 250, 180), '=', r('HEX', 8)], keywords: ['atatt3'] },
  { id: 'bitbucket-access-token', provider: 'bitbucket', desc: 'Bitbucket repository/project/workspace access token (ATCTT3…)', env: 'BITBUCKET_ACCESS_TOKEN',
    body: ['ATCTT3', r('b64url', 150, 250, 180), '=', r('HEX', 8)], keywords: ['atctt3'] },
  { id: 'bitbucket-app-password', provider: 'bitbucket', desc: 'Bitbucket app password (ATBB…)', env: 'BITBUCKET_APP_PASSWORD',
    body: ['ATBB', r('alnum', 32), r('HEX', 0, 8, 0)], keywords: ['atbb'], confidence: 0.9 },
  // CI services
  { id: 'circleci-personal-token', provider: 'circleci', desc: 'CircleCI personal API token (CCIPAT_)', env: 'CIRCLECI_TOKEN',
    body: ['CCIPAT_', r('alnum', 22), '_', r('hex', 40)], keywords: ['ccipat_'] },
  { id: 'circleci-project-token', provider: 'circleci', desc: 'CircleCI project API token (CCIPRJ_)', env: 'CIRCLE_PROJECT_TOKEN',
    body: ['CCIPRJ_', r('alnum', 22), '_', r('hex', 40)], keywords: ['cciprj_'] },
  { id: 'circleci-token-legacy', provider: 'circleci', desc: 'CircleCI legacy API token (40 hex) next to a CircleCI key name', env: 'CIRCLECI_TOKEN',
    ctx: 'circle_?ci_?(?:api_?|cli_?)?token|circle_?token', body: [r('hex', 40)], keywords: ['circle'] },
  { id: 'travis-ci-token', provider: 'travis', desc: 'Travis CI API token next to a Travis key name', env: 'TRAVIS_API_TOKEN',
    ctx: 'travis_?(?:ci_?)?(?:api_?)?token', body: [r('b64url', 22)], keywords: ['travis'] },
  { id: 'buildkite-api-token', provider: 'buildkite', desc: 'Buildkite API access token (bkua_)', env: 'BUILDKITE_API_TOKEN', body: ['bkua_', r('hex', 40)], keywords: ['bkua_'] },
  { id: 'buildkite-agent-session-token', provider: 'buildkite', desc: 'Buildkite agent session/access token (bkaa_)', env: 'BUILDKITE_AGENT_ACCESS_TOKEN',
    body: ['bkaa_', r('b64url', 40, 120, 75)], keywords: ['bkaa_'], confidence: 0.9 },
  { id: 'buildkite-agent-job-token', provider: 'buildkite', desc: 'Buildkite agent job token (bkaj_)', env: 'BUILDKITE_AGENT_JOB_TOKEN',
    body: ['bkaj_', r('b64url', 30, 400, 120)], keywords: ['bkaj_'], confidence: 0.9, severity: 'medium' },
  { id: 'buildkite-agent-token', provider: 'buildkite', desc: 'Buildkite agent registration token next to a Buildkite key name', env: 'BUILDKITE_AGENT_TOKEN',
    ctx: 'buildkite_?agent_?token', body: [r('alnum', 50, 64, 50)], keywords: ['buildkite'] },
  { id: 'jenkins-api-token', provider: 'jenkins', desc: 'Jenkins API token (11 + 32 hex) next to a Jenkins key name', env: 'JENKINS_API_TOKEN',
    ctx: 'jenkins_?(?:api_?|user_?)?(?:token|password)', body: ['11', r('hex', 32)], keywords: ['jenkins'] },
  { id: 'azure-devops-pat', provider: 'azure-devops', desc: 'Azure DevOps personal access token (52 base32) next to an Azure DevOps name', env: 'AZURE_DEVOPS_PAT',
    ctx: 'azure_?devops_?(?:ext_?)?(?:pat|token)|ado_?(?:pat|token)|azdo_?(?:pat|token)|vsts_?(?:pat|token)|system_?accesstoken|devops_?pat', body: [r('base32l', 52)], keywords: ['devops', 'ado_', 'azdo', 'vsts', 'accesstoken'], confidence: 0.8 },
  { id: 'azure-devops-pat-v2', provider: 'azure-devops', desc: 'Azure DevOps personal access token, 84-char format with AZDO signature', env: 'AZURE_DEVOPS_EXT_PAT',
    body: [r('alnum', 76), 'AZDO', r('alnum', 4)], keywords: ['azdo'], confidence: 0.9 },
  { id: 'codecov-upload-token', provider: 'codecov', desc: 'Codecov upload/API token (UUID) next to a Codecov key name', env: 'CODECOV_TOKEN',
    ctx: 'codecov_?(?:upload_?|api_?)?token', body: [UUID], keywords: ['codecov'], confidence: 0.85, strength: 'strong', severity: 'medium' },
  { id: 'sonarqube-user-token', provider: 'sonarsource', desc: 'SonarQube/SonarCloud user token (squ_)', env: 'SONAR_TOKEN', body: ['squ_', r('hex', 40)], keywords: ['squ_'] },
  { id: 'sonarqube-project-token', provider: 'sonarsource', desc: 'SonarQube project analysis token (sqp_)', env: 'SONAR_TOKEN', body: ['sqp_', r('hex', 40)], keywords: ['sqp_'] },
  { id: 'sonarqube-global-token', provider: 'sonarsource', desc: 'SonarQube global analysis token (sqa_)', env: 'SONAR_TOKEN', body: ['sqa_', r('hex', 40)], keywords: ['sqa_'] },
  { id: 'snyk-api-token', provider: 'snyk', desc: 'Snyk API token (UUID) next to a Snyk key name', env: 'SNYK_TOKEN',
    ctx: 'snyk_?(?:api_?|auth_?)?token|snyk_?api_?key', body: [UUID], keywords: ['snyk'], confidence: 0.85, strength: 'strong' },
  { id: 'terraform-cloud-api-token', provider: 'hashicorp', desc: 'Terraform Cloud / HCP Terraform API token (….atlasv1.…)', env: 'TFE_TOKEN',
    body: [r('alnum', 14), '.atlasv1.', r('b64url', 60, 70, 67)], keywords: ['.atlasv1.'], severity: 'critical' },
  { id: 'pulumi-access-token', provider: 'pulumi', desc: 'Pulumi Cloud access token (pul-)', env: 'PULUMI_ACCESS_TOKEN', body: ['pul-', r('hex', 40)], keywords: ['pul-'] },
  { id: 'postman-api-key', provider: 'postman', desc: 'Postman API key (PMAK-)', env: 'POSTMAN_API_KEY', body: ['PMAK-', r('hex', 24), '-', r('hex', 34)], keywords: ['pmak-'] },
  // The hex parts are matched in either case: a token copied through a case-folding tool or typed from a
  // screenshot is still the credential (hex carries the same bits in upper or lower case).
  { id: 'sourcegraph-access-token', provider: 'sourcegraph', desc: 'Sourcegraph access token (sgp_ + optional instance id or local_ + 40 hex, any case)', env: 'SRC_ACCESS_TOKEN',
    body: ['sgp_', raw('(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}', (g) => draw(g, CS.hex.chars, 16) + '_' + draw(g, CS.hex.chars, 40), 'a-fA-F0-9')], keywords: ['sgp_'] },
  { id: 'harness-personal-access-token', provider: 'harness', desc: 'Harness personal access token (pat.<account>.<id>.<secret>)', env: 'HARNESS_API_KEY',
    body: ['pat.', r('b64url', 22), '.', r('hex', 24), '.', r('alnum', 20)], keywords: ['pat.'] },
  { id: 'harness-service-account-token', provider: 'harness', desc: 'Harness service account token (sat.<account>.<id>.<secret>)', env: 'HARNESS_SAT',
    body: ['sat.', r('b64url', 22), '.', r('hex', 24), '.', r('alnum', 20)], keywords: ['sat.'] },
  { id: 'drone-ci-token', provider: 'drone', desc: 'Drone CI personal token (32 alnum) next to a Drone key name', env: 'DRONE_TOKEN',
    ctx: 'drone_?(?:api_?|access_?)?token', body: [r('alnum', 32)], keywords: ['drone'] },
  { id: 'jfrog-api-key', provider: 'jfrog', desc: 'JFrog Artifactory API key (AKCp…)', env: 'ARTIFACTORY_API_KEY', body: ['AKCp', r('alnum', 69)], keywords: ['akcp'] },
  { id: 'jfrog-reference-token', provider: 'jfrog', desc: 'JFrog reference token (base64 "reftkn" prefix cmVmdGtu)', env: 'JFROG_ACCESS_TOKEN', body: ['cmVmdGtu', r('alnum', 56)], keywords: ['cmvmdgtu'] },
  { id: 'teamcity-access-token', provider: 'jetbrains', desc: 'JetBrains TeamCity access token (JWT-like, header {"typ": "TCV2"})', env: 'TEAMCITY_TOKEN',
    body: ['eyJ0eXAiOiAiVENWMiJ9.', r('b64url', 36), '.', r('b64url', 48)], keywords: ['eyj0exaioiaivenwmij9'] },
  { id: 'octopus-deploy-api-key', provider: 'octopus', desc: 'Octopus Deploy API key (API-…)', env: 'OCTOPUS_API_KEY', body: ['API-', r('upper', 25, 32, 27)], keywords: ['api-'], confidence: 0.85 },
  { id: 'gitea-access-token', provider: 'gitea', desc: 'Gitea/Forgejo access token (40 hex) next to a Gitea key name', env: 'GITEA_TOKEN',
    ctx: 'gitea_?(?:access_?|api_?)?token|forgejo_?(?:access_?|api_?)?token', body: [r('hex', 40)], keywords: ['gitea', 'forgejo'] },
];
