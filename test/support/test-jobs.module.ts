import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { JobsModule, JobsService, type JobDefinition } from '@app/jobs';

const TEST_JOBS = Symbol('TEST_JOBS');

@Injectable()
class TestJobsRegistrar implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    @Inject(TEST_JOBS) private readonly definitions: JobDefinition[],
  ) {}

  onModuleInit(): void {
    for (const definition of this.definitions) this.jobs.register(definition);
  }
}

/** Registers jobs that exist only in a test, in whichever app (api or worker) imports it. */
@Module({})
export class TestJobsModule {
  static with(definitions: JobDefinition[]): DynamicModule {
    return { module: TestJobsModule, imports: [JobsModule], providers: [{ provide: TEST_JOBS, useValue: definitions }, TestJobsRegistrar] };
  }
}
