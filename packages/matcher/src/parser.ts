import type { PositionalNode, QueryNode } from './ast.js';
import { QuerySyntaxError, columnAt } from './errors.js';
import { fail, lex, type Lexeme } from './lexer.js';

/**
 * Precedence NOT > NEAR > AND > OR; the rules go from loosest to tightest:
 *
 *   query   := or END
 *   or      := and ("OR" and)*
 *   and     := near (["AND"] near)*        adjacent operands are ANDed
 *   near    := unary ("NEAR/n" unary)*     left-associative
 *   unary   := ("NOT" | "-") unary | primary
 *   primary := "(" or ")" | word | "phrase" | field:value
 *
 * `a NOT b` therefore reads as `a AND (NOT b)`.
 */
class Parser {
  private next = 0;

  constructor(
    private readonly source: string,
    private readonly lexemes: readonly Lexeme[],
  ) {}

  parseQuery(): QueryNode {
    if (this.peek().type === 'end') fail(this.source, 0, 'empty query');
    const query = this.parseOr();
    const rest = this.peek();
    if (rest.type !== 'end') fail(this.source, rest.index, `unexpected "${rest.text}"`);
    return query;
  }

  private peek(): Lexeme {
    // lex() always ends with an 'end' lexeme and parsing never moves past it.
    return this.lexemes[this.next] as Lexeme;
  }

  private take(): Lexeme {
    const lexeme = this.peek();
    if (lexeme.type !== 'end') this.next += 1;
    return lexeme;
  }

  private parseOr(): QueryNode {
    const operands = [this.parseAnd()];
    while (this.peek().type === 'or') {
      this.take();
      operands.push(this.parseAnd());
    }
    return combine('or', operands);
  }

  private parseAnd(): QueryNode {
    const operands = [this.parseNear()];
    for (;;) {
      const type = this.peek().type;
      if (type === 'and') {
        this.take();
      } else if (type !== 'open' && type !== 'not' && type !== 'terms' && type !== 'filter') {
        break;
      }
      operands.push(this.parseNear());
    }
    return combine('and', operands);
  }

  private parseNear(): QueryNode {
    const leftIndex = this.peek().index;
    let left = this.parseUnary();
    for (let operator = this.peek(); operator.type === 'near'; operator = this.peek()) {
      this.take();
      const rightIndex = this.peek().index;
      const right = this.parseUnary();
      left = {
        kind: 'near',
        distance: operator.distance,
        left: this.positional(left, leftIndex, operator.text),
        right: this.positional(right, rightIndex, operator.text),
      };
    }
    return left;
  }

  private positional(node: QueryNode, index: number, operator: string): PositionalNode {
    const positionalNode = asPositional(node);
    if (positionalNode === null) {
      fail(this.source, index, `expected a word, phrase or OR-group of them for ${operator}`);
    }
    return positionalNode;
  }

  private parseUnary(): QueryNode {
    if (this.peek().type === 'not') {
      this.take();
      return { kind: 'not', operand: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): QueryNode {
    const lexeme = this.take();
    switch (lexeme.type) {
      case 'terms': {
        const [first, ...rest] = lexeme.terms;
        return first !== undefined && rest.length === 0
          ? { kind: 'term', term: first }
          : { kind: 'phrase', terms: lexeme.terms };
      }
      case 'filter':
        return { kind: 'filter', field: lexeme.field, value: lexeme.value };
      case 'open': {
        const inner = this.parseOr();
        const close = this.peek();
        if (close.type !== 'close') {
          fail(this.source, close.index, 'expected ")"', `to close "(" at column ${columnAt(this.source, lexeme.index)}`);
        }
        this.take();
        return inner;
      }
      case 'end':
        return fail(this.source, lexeme.index, 'expected a term');
      default:
        return fail(this.source, lexeme.index, `expected a term but found "${lexeme.text}"`);
    }
  }
}

function combine(kind: 'and' | 'or', operands: QueryNode[]): QueryNode {
  const [only] = operands;
  if (only !== undefined && operands.length === 1) return only;
  return { kind, operands: operands.flatMap((operand) => (operand.kind === kind ? operand.operands : [operand])) };
}

function asPositional(node: QueryNode): PositionalNode | null {
  switch (node.kind) {
    case 'term':
    case 'phrase':
    case 'near':
      return node;
    case 'or': {
      const operands: PositionalNode[] = [];
      for (const operand of node.operands) {
        const positionalOperand = asPositional(operand);
        if (positionalOperand === null) return null;
        operands.push(positionalOperand);
      }
      return { kind: 'or', operands };
    }
    default:
      return null;
  }
}

/** Parses a query; throws `QuerySyntaxError` with a 1-based column on invalid input. */
export function parseQuery(source: string): QueryNode {
  return new Parser(source, lex(source)).parseQuery();
}

export interface QueryProblem {
  /** 1-based, in Unicode code points. */
  readonly column: number;
  readonly message: string;
}

/** Config validation: the first problem in a query, or null when it parses. */
export function checkQuery(source: string): QueryProblem | null {
  try {
    parseQuery(source);
    return null;
  } catch (error) {
    if (error instanceof QuerySyntaxError) return { column: error.column, message: error.message };
    throw error;
  }
}
