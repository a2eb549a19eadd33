package web

import "github.com/labstack/echo/v4"

// mailRoutes registers this area's routes (being written).
func (s *Server) mailRoutes(g *echo.Group) {}
