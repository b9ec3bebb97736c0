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
