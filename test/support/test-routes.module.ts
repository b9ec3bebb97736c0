import { Body, Controller, Get, Module, Post, Query, Req } from '@nestjs/common';
import { InjectConnection } from '@nestjs/sequelize';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { Sequelize } from 'sequelize-typescript';

class AddressDto {
  @IsString() @Length(1, 40) city: string;
}

export class EchoDto {
  @IsString() @Length(1, 50) name: string;
  @IsInt() @Min(1) @Max(10) count: number;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
}

/**
 * Named gates that test requests and test jobs wait at until the test opens them: "a request in
 * flight when the shutdown starts" is then a fact the test waits for (`entered`), not a guess
 * about how long a sleep takes on this machine. One registry per test file (Jest gives each file
 * its own module registry), shared by the file's apps and the file itself.
 */
class Gates {
  private readonly gates = new Map<string, { entered: number; opened: Promise<void>; open(): void }>();

  private gate(name: string) {
    let gate = this.gates.get(name);
    if (!gate) {
      let open: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { entered: 0, opened, open };
      this.gates.set(name, gate);
    }
    return gate;
  }

  /** Waits until `name` is opened (at once if it already is). */
  pass(name: string): Promise<void> {
    const gate = this.gate(name);
    gate.entered += 1;
    return gate.opened;
  }

  /** How many have arrived at `name` so far. */
  entered(name: string): number {
    return this.gate(name).entered;
  }

  open(name: string): void {
    this.gate(name).open();
  }
}

export const gates = new Gates();

/** Routes that exist only in tests, to drive the real pipeline into each of its answers. */
@Controller({ path: '__test', version: '1' })
class TestRoutesController {
  constructor(@InjectConnection() private readonly sequelize: Sequelize) {}

  @Post('echo')
  echo(@Body() body: EchoDto): EchoDto {
    return body;
  }

  /** A statement that outlives the statement timeout. */
  @Get('db-sleep')
  async dbSleep(@Query('seconds') seconds = '2'): Promise<{ ok: true }> {
    await this.sequelize.query('SELECT pg_sleep(:s)', { replacements: { s: Number(seconds) } });
    return { ok: true };
  }

  /** A request that takes a while without touching the database. */
  @Get('slow')
  async slow(@Query('ms') ms = '500'): Promise<{ ok: true }> {
    await new Promise((r) => setTimeout(r, Number(ms)));
    return { ok: true };
  }

  /** A request held in flight until the test opens its gate (see `gates`). */
  @Get('held')
  async held(@Query('gate') gate = 'default'): Promise<{ ok: true }> {
    await gates.pass(gate);
    return { ok: true };
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internals: password=hunter2');
  }

  @Get('ip')
  ip(@Req() request: FastifyRequest): { ip: string } {
    return { ip: request.ip };
  }
}

@Module({ controllers: [TestRoutesController] })
export class TestRoutesModule {}
