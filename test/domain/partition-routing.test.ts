import { describe, expect, it } from 'vitest';
import { lockKeyOf, partitionIdOf, partitionLane, selectedPartitions } from '../../src/domain/partition.js';

describe('the partitions a query names (selectedPartitions)', () => {
  it('by location: organizations × sites × locations, escaped as partition ids are', () => {
    expect(selectedPartitions('byLocation', ['o1', 'o~2'], ['p'], ['s1'], ['l1', 'l2'])).toEqual([
      'o1~s1~l1',
      'o1~s1~l2',
      'o%7E2~s1~l1',
      'o%7E2~s1~l2',
    ]);
    const rowPartition = partitionIdOf('byLocation', 'o1', 'p', { siteid: 's1', locationid: 'l2' });
    expect(selectedPartitions('byLocation', ['o1'], undefined, ['s1'], ['l2'])).toEqual([rowPartition]);
  });

  it('by product: organizations × products', () => {
    expect(selectedPartitions('byProduct', ['o1'], ['p1', 'p2'], undefined, undefined)).toEqual([
      'o1~p1',
      'o1~p2',
    ]);
  });

  it('none when a filter the rule needs is absent, or there would be too many', () => {
    expect(selectedPartitions('byLocation', ['o1'], ['p'], ['s1'], undefined)).toBeUndefined();
    expect(selectedPartitions('byLocation', ['o1'], ['p'], [], ['l1'])).toBeUndefined();
    expect(selectedPartitions('byProduct', ['o1'], [], ['s1'], ['l1'])).toBeUndefined();
    const many = Array.from({ length: 300 }, (_, i) => `p${i}`);
    expect(selectedPartitions('byProduct', ['o1'], many, undefined, undefined)).toBeUndefined();
  });
});

describe('write lanes (partitionLane)', () => {
  it('one lane per environment and partition, whatever the product', () => {
    const a = partitionLane(lockKeyOf('env~1', 'o1', 'p1', 'o1~s1~l1'));
    expect(partitionLane(lockKeyOf('env~1', 'o1', 'p2', 'o1~s1~l1'))).toBe(a);
    expect(partitionLane(lockKeyOf('env~1', 'o1', 'p1', 'o1~s1~l2'))).not.toBe(a);
    expect(partitionLane(lockKeyOf('env-2', 'o1', 'p1', 'o1~s1~l1'))).not.toBe(a);
    expect(partitionLane('another-key')).toBe('another-key');
  });
});
