import { Fn } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { domainEntryProblem } from '../../src/private/domain-names';
import { checkCidrList, checkSageMakerName, checkTagKey, checkTagValue, parseIpv6Cidr } from '../../src/private/studio-validation';

/** A literal that SageMaker's name pattern accepts, up to 63 characters. */
const sageMakerName = fc.stringMatching(/^[a-zA-Z0-9](-{0,2}[a-zA-Z0-9]){0,20}$/).filter((name) => name.length <= 63);
const NAME_FORM = 'letters and digits, single or repeated hyphens between them, at most 63 characters';

function ipv4Cidr(address: number, prefixLength: number): string {
  const network = prefixLength === 0 ? 0 : address - (address % 2 ** (32 - prefixLength));
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return `${octets.join('.')}/${prefixLength}`;
}

function ipv6Cidr(groups: number[], prefixLength: number): string {
  const network = groups.map((group, index) => {
    const networkBits = Math.min(16, Math.max(0, prefixLength - 16 * index));
    return group - (group % 2 ** (16 - networkBits));
  });
  return `${network.map((group) => group.toString(16)).join(':')}/${prefixLength}`;
}

const v4 = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([a, p]) => ipv4Cidr(a, p));
const v6 = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }))
  .map(([g, p]) => ipv6Cidr(g, p));

describe('checkCidrList (IPv4 and IPv6)', () => {
  test('accepts every network address with its prefix, IPv4 and IPv6', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.oneof(v4, v6), { minLength: 1, maxLength: 5, selector: (c) => c.toLowerCase() }), (cidrs) => {
      expect(() => checkCidrList('Thing', 'ranges', cidrs)).not.toThrow();
    }));
  });

  test('refuses an address with bits set after the prefix, naming it and the allowed form', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 255 }), (prefixLength, low) => {
      // 10.x.y.z with the lowest byte non-zero has host bits for every prefix below 32 that ends before it.
      const cidr = `10.0.0.${low}/${Math.min(prefixLength, 24)}`;
      expect(() => checkCidrList('Thing', 'ranges', [cidr])).toThrow(
        `Thing ranges: '${cidr}' is not a CIDR block (an address, '/' and a prefix length, with the bits after the prefix clear); ` +
        "IPv4 or IPv6 CIDR blocks such as '203.0.113.0/24' or '2001:db8::/32' (one address as /32 or /128), each once");
    }));
  });

  test('refuses arbitrary text that is not a CIDR block', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }).filter((text) => !/^[0-9a-fA-F:.]+\/\d+$/.test(text)), (text) => {
      expect(() => checkCidrList('Thing', 'ranges', [text])).toThrow(/^Thing ranges: '.*' is not a CIDR block/);
    }));
  });

  test.each([
    ['203.0.113.5'], ['203.0.113.0/33'], ['256.0.0.0/8'], ['2001:db8::/129'], ['2001:db8::1/64'], ['2001:db8:::1/128'],
    ['1:2:3:4:5:6:7:8:9/128'], ['2001:db8::g/128'], ['1:2:3:4:5:6:7/112'], ['::1:2:3:4:5:6:7:8/128'],
  ])('refuses %s', (cidr) => {
    expect(() => checkCidrList('Thing', 'ranges', [cidr])).toThrow(`Thing ranges: '${cidr}' is not a CIDR block`);
  });

  test('at the limits: /0 and one address, IPv4 and IPv6; compressed and full IPv6 forms', () => {
    expect(() => checkCidrList('Thing', 'ranges', ['0.0.0.0/0', '203.0.113.7/32', '::/0', '2001:db8::1/128', '2001:db8:0:0:0:0:0:0/32', '::1/128'])).not.toThrow();
    expect(parseIpv6Cidr('2001:db8::/32')).toEqual({ groups: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], prefixLength: 32 });
  });

  test('refuses an empty list and a range listed twice (case aside), and skips tokens', () => {
    expect(() => checkCidrList('Thing', 'ranges', [])).toThrow('Thing ranges: an empty list; IPv4 or IPv6 CIDR blocks');
    expect(() => checkCidrList('Thing', 'ranges', ['2001:DB8::/32', '2001:db8::/32'])).toThrow("Thing ranges: '2001:db8::/32' is listed twice; IPv4");
    expect(() => checkCidrList('Thing', 'ranges', [Fn.importValue('Range'), Fn.importValue('Range')])).not.toThrow();
  });
});

describe('SageMaker names', () => {
  test('every name of the pattern up to 63 characters passes; one more character or a character outside it fails', () => {
    fc.assert(fc.property(sageMakerName, fc.constantFrom('_', '.', ' ', '/', 'é'), fc.nat(), (name, bad, at) => {
      expect(() => checkSageMakerName('Thing', 'name', name)).not.toThrow();
      const position = at % (name.length + 1);
      const broken = `${name.slice(0, position)}${bad}${name.slice(position)}`;
      expect(() => checkSageMakerName('Thing', 'name', broken)).toThrow(`Thing name: '${broken}' is not a valid SageMaker name; ${NAME_FORM}`);
    }));
  });

  test('hyphens at either end and names over 63 characters (repeated hyphens included) fail', () => {
    for (const name of ['-a', 'a-', 'a'.repeat(64), `a${'--b'.repeat(21)}`]) {
      expect(() => checkSageMakerName('Thing', 'name', name)).toThrow(`Thing name: '${name}' is not a valid SageMaker name; ${NAME_FORM}`);
    }
    expect(() => checkSageMakerName('Thing', 'name', `a${'-b'.repeat(31)}`)).not.toThrow();
    expect(() => checkSageMakerName('Thing', 'name', Fn.importValue('Name'))).not.toThrow();
  });
});

describe('tags', () => {
  const tagText = fc.stringMatching(/^[a-zA-Z0-9 _.:/=+\-@]*$/);

  test('keys of 1 to 128 and values of up to 256 allowed characters pass; one character more fails', () => {
    fc.assert(fc.property(tagText.filter((k) => k.length >= 1 && k.length <= 128 && !k.toLowerCase().startsWith('aws:')), tagText.filter((v) => v.length <= 256),
      (key, value) => {
        expect(() => checkTagKey('Thing', 'tags', key)).not.toThrow();
        expect(() => checkTagValue('Thing', 'tags', key, value)).not.toThrow();
      }));
    expect(() => checkTagKey('Thing', 'tags', 'k'.repeat(128))).not.toThrow();
    expect(() => checkTagKey('Thing', 'tags', 'k'.repeat(129))).toThrow(`Thing tags: tag key '${'k'.repeat(129)}' has 129 characters; a key of 1 to 128`);
    expect(() => checkTagValue('Thing', 'tags', 'team', 'v'.repeat(256))).not.toThrow();
    expect(() => checkTagValue('Thing', 'tags', 'team', 'v'.repeat(257))).toThrow("Thing tags: the value of tag 'team' has 257 characters; a value of at most 256");
  });

  test('a character outside the tag alphabet fails, naming the tag', () => {
    fc.assert(fc.property(fc.constantFrom('#', '!', '*', '%', '"', '\n', '<'), (bad) => {
      expect(() => checkTagValue('Thing', 'team', 'team', `fr${bad}aud`)).toThrow(`Thing team: the value 'fr${bad}aud' of tag 'team' has a character tags do not allow;`);
      expect(() => checkTagKey('Thing', 'teamTagKey', `te${bad}am`)).toThrow(`Thing teamTagKey: tag key 'te${bad}am' has a character tags do not allow;`);
    }));
  });

  test("the reserved prefix 'aws:' and an empty key fail; tokens and letters of other scripts pass", () => {
    expect(() => checkTagKey('Thing', 'tags', 'AWS:team')).toThrow("Thing tags: tag key 'AWS:team' uses the prefix 'aws:', which AWS reserves;");
    expect(() => checkTagKey('Thing', 'tags', '')).toThrow("Thing tags: tag key '' has 0 characters;");
    expect(() => checkTagKey('Thing', 'tags', 'équipe')).not.toThrow();
    expect(() => checkTagKey('Thing', 'tags', Fn.importValue('Key'))).not.toThrow();
    expect(() => checkTagValue('Thing', 'tags', 'team', Fn.importValue('Team'))).not.toThrow();
  });
});

describe('domain allow-list entries', () => {
  test('a token is not checked (its value is known only at deploy time)', () => {
    expect(domainEntryProblem(Fn.importValue('Host'))).toBeUndefined();
    expect(domainEntryProblem(Fn.join('.', ['pypi', Fn.importValue('Zone')]))).toBeUndefined();
    expect(domainEntryProblem('localhost')).toBe('is not a valid DNS name');
  });
});
