/** SQL text for values that cannot travel as parameters (file paths in COPY and ATTACH). */
export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;
