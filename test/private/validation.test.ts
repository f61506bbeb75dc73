import { App, Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import {
  checkAvailabilityZones, checkIntegerRange, checkNoDuplicates, checkPattern, checkRegionalArn, parseIpv4Cidr,
} from '../../src/private/validation';

function stackIn(region?: string): Stack {
  return new Stack(new App(), 'Stack', region ? { env: { account: '111122223333', region } } : {});
}

describe('checkIntegerRange', () => {
  test('accepts every whole number in range and refuses everything outside it, naming the prop and the range', () => {
    fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), (value) => {
      const call = () => checkIntegerRange('Thing', 'size', value, 5, 60, 'minutes');
      if (value >= 5 && value <= 60) {
        expect(call).not.toThrow();
      } else {
        expect(call).toThrow(`Thing size: ${value} is out of range; a whole number from 5 to 60 minutes`);
      }
    }));
  });

  test('refuses fractions and NaN', () => {
    fc.assert(fc.property(fc.double({ min: 5, max: 60, noInteger: true }), (value) => {
      expect(() => checkIntegerRange('Thing', 'size', value, 5, 60)).toThrow(/Thing size: .* a whole number from 5 to 60/);
    }));
    expect(() => checkIntegerRange('Thing', 'size', NaN, 5, 60)).toThrow(/Thing size/);
  });

  test('skips tokens and absent values', () => {
    const stack = stackIn();
    const parameterValue = Token.asNumber(Fn.importValue('Size'));
    expect(() => checkIntegerRange('Thing', 'size', parameterValue, 5, 60)).not.toThrow();
    expect(() => checkIntegerRange('Thing', 'size', undefined, 5, 60)).not.toThrow();
    expect(stack).toBeDefined();
  });
});

describe('checkPattern and checkNoDuplicates', () => {
  test('a pattern check names the value and the allowed form, and skips tokens', () => {
    expect(() => checkPattern('Thing', 'name', 'a b', /^[a-z]+$/, 'lower-case letters')).toThrow("Thing name: 'a b' is not allowed; lower-case letters");
    expect(() => checkPattern('Thing', 'name', Fn.importValue('Name'), /^[a-z]+$/, 'lower-case letters')).not.toThrow();
  });

  test('a list with any value twice is refused naming that value; distinct values pass', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 10 }), fc.nat(), (values, pick) => {
      expect(() => checkNoDuplicates('Thing', 'names', values)).not.toThrow();
      const twice = values[pick % values.length];
      expect(() => checkNoDuplicates('Thing', 'names', [...values, twice])).toThrow(`Thing names: '${twice}' is listed twice; each value once`);
    }));
  });

  test('tokens are never compared with each other', () => {
    expect(() => checkNoDuplicates('Thing', 'names', [Fn.importValue('A'), Fn.importValue('A')])).not.toThrow();
  });
});

describe('checkAvailabilityZones', () => {
  test('accepts the zones of the stack region', () => {
    expect(() => checkAvailabilityZones(stackIn('eu-west-1'), 'Vpc', 'availabilityZones', ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'])).not.toThrow();
  });

  test('refuses a zone of another region, naming both regions', () => {
    expect(() => checkAvailabilityZones(stackIn('eu-west-1'), 'Vpc', 'availabilityZones', ['eu-west-1a', 'us-east-1b']))
      .toThrow("Vpc availabilityZones: 'us-east-1b' is in us-east-1 but the stack deploys to eu-west-1; Availability Zones of eu-west-1");
  });

  test('refuses AZ ids and region names with an example of the expected name', () => {
    expect(() => checkAvailabilityZones(stackIn('us-east-1'), 'Vpc', 'availabilityZones', ['use1-az1']))
      .toThrow("Vpc availabilityZones: 'use1-az1' is an Availability Zone id; Availability Zone names such as 'us-east-1a'");
    expect(() => checkAvailabilityZones(stackIn('us-east-1'), 'Vpc', 'availabilityZones', ['us-east-1']))
      .toThrow("'us-east-1' is a region, not an Availability Zone");
  });

  test('refuses a zone listed twice, naming the prop the caller gave', () => {
    expect(() => checkAvailabilityZones(stackIn('us-east-1'), 'Vpc', 'availabilityZones', ['us-east-1a', 'us-east-1a']))
      .toThrow("Vpc availabilityZones: 'us-east-1a' is listed twice");
  });

  test('in an environment-agnostic stack any region\'s zone names pass, and tokens are skipped', () => {
    fc.assert(fc.property(fc.constantFrom('us-east-1', 'eu-central-2', 'ap-southeast-4', 'us-gov-west-1'), fc.constantFrom('a', 'b', 'f'), (region, letter) => {
      expect(() => checkAvailabilityZones(stackIn(), 'Vpc', 'availabilityZones', [`${region}${letter}`])).not.toThrow();
    }));
    expect(() => checkAvailabilityZones(stackIn('us-east-1'), 'Vpc', 'availabilityZones', [Fn.select(0, Fn.getAzs())])).not.toThrow();
  });

  test('text that is no zone name is refused whatever it is', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      fc.pre(!/^[a-z]{2}(?:-[a-z]+)+-\d+[a-z]$/.test(text));
      expect(() => checkAvailabilityZones(stackIn(), 'Vpc', 'availabilityZones', [text])).toThrow(/^Vpc availabilityZones: /);
    }));
  });
});

describe('checkRegionalArn', () => {
  const key = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  test('accepts a key of the stack region and returns its parts', () => {
    expect(checkRegionalArn(stackIn('eu-west-1'), 'Domain', 'kmsKey', key, 'kms')).toEqual({ partition: 'aws', service: 'kms', region: 'eu-west-1', account: '111122223333' });
  });

  test('refuses a key of another region, another partition or another service', () => {
    expect(() => checkRegionalArn(stackIn('us-east-1'), 'Domain', 'kmsKey', key, 'kms'))
      .toThrow(`Domain kmsKey: '${key}' is in eu-west-1 but the stack deploys to us-east-1; an ARN of us-east-1`);
    expect(() => checkRegionalArn(stackIn('eu-west-1'), 'Domain', 'kmsKey', key.replace('arn:aws:', 'arn:aws-cn:'), 'kms'))
      .toThrow('is in partition aws-cn but the stack deploys to aws');
    expect(() => checkRegionalArn(stackIn('eu-west-1'), 'Domain', 'kmsKey', key.replace(':kms:', ':acm:'), 'kms'))
      .toThrow('is an ARN of acm');
  });

  test('refuses text that is no regional ARN', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      fc.pre(!text.startsWith('arn:'));
      expect(() => checkRegionalArn(stackIn('eu-west-1'), 'Domain', 'kmsKey', text, 'kms')).toThrow(/^Domain kmsKey: .* is not a regional ARN/);
    }));
  });

  test('compares only what both sides know: tokens and environment-agnostic stacks pass', () => {
    expect(checkRegionalArn(stackIn('eu-west-1'), 'Domain', 'kmsKey', Fn.importValue('KeyArn'), 'kms')).toBeUndefined();
    expect(() => checkRegionalArn(stackIn(), 'Domain', 'kmsKey', key, 'kms')).not.toThrow();
    expect(() => checkRegionalArn(stackIn(), 'Domain', 'kmsKey', `arn:${Aws.PARTITION}:kms:eu-west-1:111122223333:key/x`, 'kms')).not.toThrow();
  });
});

describe('parseIpv4Cidr', () => {
  test('parses every aligned block and refuses every misaligned one', () => {
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
      const address = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
      const aligned = address % 2 ** (32 - prefix) === 0;
      const parsed = parseIpv4Cidr(`${ip}/${prefix}`);
      expect(parsed === undefined).toBe(!aligned);
      if (parsed) {
        expect(parsed).toEqual({ address, prefixLength: prefix });
      }
    }));
  });

  test('refuses text that is no CIDR', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      fc.pre(!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text));
      expect(parseIpv4Cidr(text)).toBeUndefined();
    }));
  });
});
