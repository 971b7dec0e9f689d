/**
 * A testcontainers module for shardline: `new ShardlineContainer().start()` runs the image
 * (.ci/Dockerfile), waits until `/ready` answers, and returns the gRPC and HTTP endpoints
 * with ready-made clients. For a user's own tests:
 *
 *   const shardline = await new ShardlineContainer().withMemory().start()
 *   const streams = shardline.streamClient()
 *   ...
 *   await shardline.stop()
 *
 * The `testcontainers` package is the user's (a peer dependency) and a Docker engine is needed.
 */
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers'
import { LeaseClient, QueueClient, StreamClient, type StreamClientOptions } from '../../client/index.js'

/** The image name README's build command gives; override with the constructor or SHARDLINE_IMAGE. */
export const DEFAULT_IMAGE = 'shardline:latest'
export const HTTP_PORT = 4567
export const GRPC_PORT = 4568

/** What a ready-made client is given besides its endpoint. */
export type ClientOptions = Omit<StreamClientOptions, 'endpoint'>

/**
 * Credentials and endpoint for an AWS SDK client (Kinesis; SQS once served over HTTP):
 * `new KinesisClient(shardline.awsClientConfig())`. Any credentials are accepted unless
 * the server runs with --auth.
 */
export interface AwsClientConfig {
  readonly endpoint: string
  readonly region: string
  readonly credentials: { readonly accessKeyId: string, readonly secretAccessKey: string }
}

export class ShardlineContainer extends GenericContainer {
  private readonly serveArgs: string[] = ['serve', '--host', '0.0.0.0']
  private region = 'us-east-1'
  private storage: 'memory' | 'volume' = 'volume'

  constructor (image: string = process.env.SHARDLINE_IMAGE ?? DEFAULT_IMAGE) {
    super(image)
    this.withExposedPorts(HTTP_PORT, GRPC_PORT)
      .withWaitStrategy(Wait.forHttp('/ready', HTTP_PORT).forStatusCode(200))
      .withStartupTimeout(60_000)
  }

  /** Keep nothing on disk (`--memory`): the fastest start, nothing survives the container. */
  withMemory (): this {
    this.storage = 'memory'
    return this
  }

  /** Lift the per-shard limits (`--limits off`), for load in tests. */
  withLimitsOff (): this {
    return this.withServeArgs('--limits', 'off')
  }

  /** The server's region (`--region`); the ready-made clients use it too. */
  withRegion (region: string): this {
    this.region = region
    return this.withServeArgs('--region', region)
  }

  /** Any other `shardline serve` flags. */
  withServeArgs (...args: string[]): this {
    this.serveArgs.push(...args)
    return this
  }

  /** The command the container runs, as `docker run IMAGE ...` would get it. */
  get command (): readonly string[] {
    return ['shardline', ...this.serveArgs, ...(this.storage === 'memory' ? ['--memory'] : ['--data', '/data'])]
  }

  get serverRegion (): string {
    return this.region
  }

  override async start (): Promise<StartedShardlineContainer> {
    this.withCommand([...this.command])
    return new StartedShardlineContainer(await super.start(), this.region)
  }
}

export class StartedShardlineContainer extends AbstractStartedContainer {
  private readonly clients: Array<{ close: () => void }> = []

  constructor (started: StartedTestContainer, readonly region: string) {
    super(started)
  }

  /** host:port of the gRPC API, for the shardline clients. */
  get grpcEndpoint (): string {
    return `${this.getHost()}:${this.getMappedPort(GRPC_PORT)}`
  }

  /** http://host:port of the AWS-compatible HTTP API (and /metrics, /health, /ready). */
  get httpEndpoint (): string {
    return `http://${this.getHost()}:${this.getMappedPort(HTTP_PORT)}`
  }

  /** Configuration for an AWS SDK v3 client pointed at the container. */
  awsClientConfig (): AwsClientConfig {
    return { endpoint: this.httpEndpoint, region: this.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }
  }

  /** Clients made here are closed when the container stops. */
  streamClient (options: ClientOptions = {}): StreamClient {
    return this.track(new StreamClient({ region: this.region, ...options, endpoint: this.grpcEndpoint }))
  }

  queueClient (options: ClientOptions = {}): QueueClient {
    return this.track(new QueueClient({ region: this.region, ...options, endpoint: this.grpcEndpoint }))
  }

  leaseClient (options: ClientOptions = {}): LeaseClient {
    return this.track(new LeaseClient({ region: this.region, ...options, endpoint: this.grpcEndpoint }))
  }

  private track<C extends { close: () => void }> (client: C): C {
    this.clients.push(client)
    return client
  }

  protected override async containerStopping (): Promise<void> {
    for (const client of this.clients.splice(0)) client.close()
  }
}
